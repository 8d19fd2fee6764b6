import { beforeAll, describe, expect, it } from "vitest";
import { compile2020 } from "./support/ajv.js";
import { loadCapabilities, type CapabilityRegistry } from "./support/load-capabilities.js";
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
  const valid = { params: { cart_id: cartId }, body: { product_id: productId, quantity: 2 } };

  it.each([
    ["a complete input", valid, true],
    ["no params", { body: valid.body }, false],
    ["params without cart_id", { params: {}, body: valid.body }, false],
    ["a cart_id that is not a UUID", { params: { cart_id: "nope" }, body: valid.body }, false],
    ["no body", { params: valid.params }, false],
    ["a body without product_id", { params: valid.params, body: { quantity: 2 } }, false],
    ["a body without quantity", { params: valid.params, body: { product_id: productId } }, false],
    ["quantity 0", { params: valid.params, body: { product_id: productId, quantity: 0 } }, false],
    ["an unknown body field", { params: valid.params, body: { ...valid.body, gift_wrap: true } }, false],
    ["an unknown top-level field", { ...valid, extra: 1 }, false],
  ])("%s → valid: %s", (_, input, expected) => {
    const validate = compile2020(registry.capabilities.addCartItem!.inputSchema);
    expect(validate(input), JSON.stringify(validate.errors)).toBe(expected);
  });

  it("compiles every capability inputSchema with Ajv 2020 in strict mode", () => {
    for (const capability of Object.values(registry.capabilities)) {
      expect(() => compile2020(capability.inputSchema, { strict: true }), capability.name).not.toThrow();
    }
  });
});
