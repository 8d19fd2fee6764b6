import { beforeAll, describe, expect, it } from "vitest";
import { compile2020 } from "./support/ajv.js";
import { type CapabilityRegistry, loadCapabilities } from "./support/load-capabilities.js";
import { COMMERCE_SPEC, outDir } from "./support/paths.js";

const STOREFRONT_READS = ["listProducts", "getProduct", "getCart", "listOrders", "getOrder"];
const ADMIN_READS = ["adminListOrders", "adminGetOrder"];

let registry: CapabilityRegistry;

beforeAll(async () => {
  registry = await loadCapabilities(outDir("commerce-capabilities"), { specPath: COMMERCE_SPEC });
});

describe("capability rules of openapi/commerce.yaml", () => {
  it.each(STOREFRONT_READS)("storefront read %s is auto-granted", (name) => {
    expect(registry.capabilities[name]).toMatchObject({ method: "GET", scope: "storefront", autoGrant: true });
    expect(registry.autoGrantedCapabilities).toContain(name);
  });

  it("createCart is auto-granted although it is a POST", () => {
    expect(registry.capabilities.createCart).toMatchObject({ method: "POST", autoGrant: true });
    expect(registry.autoGrantedCapabilities).toContain("createCart");
  });

  it.each(ADMIN_READS)("admin read %s is not auto-granted", (name) => {
    expect(registry.capabilities[name]).toMatchObject({ method: "GET", scope: "admin", autoGrant: false });
    expect(registry.approvalRequiredCapabilities).toContain(name);
    expect(registry.autoGrantedCapabilities).not.toContain(name);
  });

  it("every admin capability has scope admin, a /v1/admin path and needs approval", () => {
    const admin = Object.values(registry.capabilities).filter((capability) => capability.name.startsWith("admin"));
    expect(admin.length).toBeGreaterThan(0);
    for (const capability of admin) {
      expect(capability, capability.name).toMatchObject({ scope: "admin", autoGrant: false });
      expect(capability.path, capability.name).toMatch(/^\/v1\/admin\//);
    }
    expect([...registry.capabilitiesByScope.admin!].sort()).toEqual(admin.map((capability) => capability.name).sort());
  });

  it("only admin capabilities live under /v1/admin", () => {
    for (const capability of Object.values(registry.capabilities)) {
      expect(capability.path.startsWith("/v1/admin/"), capability.name).toBe(capability.scope === "admin");
    }
  });

  it("adminRefundOrder needs WebAuthn approval", () => {
    expect(registry.capabilities.adminRefundOrder?.approvalStrength).toBe("webauthn");
  });

  it("auto-granted and approval-required lists partition the registry", () => {
    const both = [...registry.autoGrantedCapabilities, ...registry.approvalRequiredCapabilities].sort();
    expect(both).toEqual([...registry.capabilityNames].sort());
    expect(Object.keys(registry.capabilities)).toEqual(registry.capabilityNames);
  });
});

describe("inputSchema of addCartItem", () => {
  const cartId = "0b6f3e4c-8a1d-4c2e-9f7a-1d2c3b4a5e6f";
  const productId = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
  // Flat: the path parameter beside the body's fields, as grant constraints name them.
  const valid = { cart_id: cartId, product_id: productId, quantity: 2 };

  it.each([
    ["complete arguments", valid, true],
    ["no cart_id", { product_id: productId, quantity: 2 }, false],
    ["a cart_id that is not a UUID", { ...valid, cart_id: "nope" }, false],
    ["no product_id", { cart_id: cartId, quantity: 2 }, false],
    ["no quantity", { cart_id: cartId, product_id: productId }, false],
    ["quantity 0", { ...valid, quantity: 0 }, false],
    ["an unknown argument", { ...valid, gift_wrap: true }, false],
    ["the old { params, body } shape", { params: { cart_id: cartId }, body: { product_id: productId, quantity: 2 } }, false],
  ])("%s → valid: %s", (_, input, expected) => {
    const validate = compile2020(registry.capabilities.addCartItem!.inputSchema);
    expect(validate(input), JSON.stringify(validate.errors)).toBe(expected);
  });

  it("maps back onto the path parameter and a flat body", () => {
    expect(registry.capabilities.addCartItem).toMatchObject({
      parameters: [{ name: "cart_id", in: "path" }],
      body: { mode: "flat", fields: ["product_id", "quantity"], required: true },
    });
  });

  it("compiles every capability inputSchema with Ajv 2020 in strict mode", () => {
    for (const capability of Object.values(registry.capabilities)) {
      expect(() => compile2020(capability.inputSchema, { strict: true }), capability.name).not.toThrow();
    }
  });
});

describe("inputSchema of placeOrder", () => {
  it("shows Idempotency-Key as a required top-level argument, spelled as in the contract", () => {
    const placeOrder = registry.capabilities.placeOrder!;
    expect(Object.keys(placeOrder.inputSchema.properties as object)).toEqual(["Idempotency-Key", "cart_id"]);
    expect(placeOrder.inputSchema.required).toEqual(["Idempotency-Key", "cart_id"]);
    expect(placeOrder.parameters).toEqual([{ name: "Idempotency-Key", in: "header" }]);
  });

  it("is flat for every operation of the contract (no body collides with a parameter)", () => {
    for (const capability of Object.values(registry.capabilities)) {
      expect(capability.body.mode, capability.name).not.toBe("wrapped");
    }
  });
});
