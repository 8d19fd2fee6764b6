import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetAgent } from "../../generated/sdk/index.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { type ConnectedAgent, connectTestAgent, createProduct, decide } from "./agent-test-kit.js";

let app: TestApp;
let storeA: StoreOwner;
let storeB: StoreOwner;
let productA: { id: string };
let productB: { id: string };

beforeAll(async () => {
  app = await startTestApp();
  [storeA, storeB] = [await createStoreOwner(app.auth, "Store A"), await createStoreOwner(app.auth, "Store B")];
  [productA, productB] = await Promise.all([createProduct(app, storeA, "A-1"), createProduct(app, storeB, "B-1")]);
});

afterAll(async () => {
  await app?.close();
});

/** The problem+json of a refused SDK call (openapi-fetch has parsed it into `error`). */
function problem(result: { response: Response; error?: unknown }): { status: number; code: unknown; detail: unknown; type: string | null } {
  const body = (result.error ?? {}) as { code?: unknown; detail?: unknown };
  return { status: result.response.status, code: body.code, detail: body.detail, type: result.response.headers.get("content-type") };
}

describe("agents calling /v1 with agent JWTs", () => {
  let first: ConnectedAgent;

  it("a new host's agent can do nothing before its first approval", async () => {
    first = await connectTestAgent(app, ["listProducts", "getProduct", "createCart", "addCartItem", "placeOrder"]);
    expect(first.agent.registration.status).toBe("pending");
    expect(first.approval?.user_code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(problem(await first.agent.client.GET("/v1/products"))).toMatchObject({
      status: 403,
      code: "agent_pending",
      type: expect.stringContaining("application/problem+json"),
    });
  });

  it("once approved it shops in its merchant's store, and another store's ids are 404", async () => {
    expect((await decide(app, storeA, first, "approve")).status).toBe(200);
    // The SDK sees the approval and remembers that a merchant trusts this host.
    expect((await first.agent.waitForApproval()).pending).toEqual([]);
    const client = first.agent.client;
    const cart = await client.POST("/v1/carts", { body: { currency: "EUR" } });
    expect(cart.response.status).toBe(201);
    const cartId = cart.data!.id;
    const added = await client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cartId } },
      body: { product_id: productA.id, quantity: 2 },
    });
    expect(added.response.status).toBe(200);
    const order = await client.POST("/v1/orders", { params: { header: { "Idempotency-Key": randomUUID() } }, body: { cart_id: cartId } });
    expect(order.response.status).toBe(201);
    expect(order.data!.total.amount).toBe(2400);

    const foreign = await client.GET("/v1/products/{product_id}", { params: { path: { product_id: productB.id } } });
    expect(foreign.response.status).toBe(404);
    const openCart = await client.POST("/v1/carts", { body: { currency: "EUR" } });
    const foreignItem = await client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: openCart.data!.id } },
      body: { product_id: productB.id, quantity: 1 },
    });
    expect(foreignItem.response.status).toBe(404);
  });

  it("a trusted host's next agent reads at once; a mutating call waits for its own capability", async () => {
    await forgetAgent(first.storage);
    const second = await connectTestAgent(app, ["listProducts", "createCart", "placeOrder"], first.storage);
    expect(second.agent.hostTrusted).toBe(true);
    expect(second.agent.registration.granted).toEqual(["listProducts", "createCart"]);
    expect(second.agent.registration.pending).toEqual(["placeOrder"]);

    const products = await second.agent.client.GET("/v1/products");
    expect(products.response.status, JSON.stringify(products.error)).toBe(200);
    expect(products.data!.data.map((product) => product.id)).toEqual([productA.id]);

    const order = await second.agent.client.POST("/v1/orders", {
      params: { header: { "Idempotency-Key": randomUUID() } },
      body: { cart_id: randomUUID() },
    });
    const refused = problem(order);
    expect(refused).toMatchObject({ status: 403, code: "capability_not_granted" });
    expect(refused.detail).toContain("placeOrder");
    expect(refused.detail).toContain("/agent/request-capability");

    // createCart is auto-granted, addCartItem was never asked for: a grant for one operation is not a grant for another.
    const cart = await second.agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
    expect(cart.response.status).toBe(201);
    const item = await second.agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cart.data!.id } },
      body: { product_id: productA.id, quantity: 1 },
    });
    expect(problem(item)).toMatchObject({ status: 403, code: "capability_not_granted" });

    expect((await decide(app, storeA, second, "approve")).status).toBe(200);
    const afterApproval = await second.agent.client.POST("/v1/orders", {
      params: { header: { "Idempotency-Key": randomUUID() } },
      body: { cart_id: randomUUID() },
    });
    expect(afterApproval.response.status).toBe(404);
  });

  it("a denied request leaves the capability refused", async () => {
    await forgetAgent(first.storage);
    const third = await connectTestAgent(app, ["createCart", "addCartItem"], first.storage);
    expect((await decide(app, storeA, third, "deny")).status).toBe(200);
    const cart = await third.agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
    const item = await third.agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cart.data!.id } },
      body: { product_id: productA.id, quantity: 1 },
    });
    expect(problem(item)).toMatchObject({ status: 403, code: "capability_not_granted" });
  });
});
