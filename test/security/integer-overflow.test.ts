/*
 * Integers past what the columns hold, the other half of the "keeps working
 * through hostile input" issue. Once a product's stock reached 2^31 − 1,
 * cancelling an order of it failed with a 500 (integer out of range) and the
 * order could never be cancelled. Now stock arithmetic past the column is
 * 409 `inventory_limit_exceeded` with nothing changed, and amounts and
 * quantities past the contract's `maximum` are 400 naming the field.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProduct, placeTestOrder } from "../agents/agent-test-kit.js";
import { createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

const MAX_INVENTORY = 2_147_483_647;
const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

let app: TestApp;
let owner: StoreOwner;
let adminKey: string;

beforeAll(async () => {
  app = await startTestApp();
  owner = await createStoreOwner(app.auth, "Overflow Store");
  adminKey = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] });
});
afterAll(() => app?.close());

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { "x-api-key": adminKey, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** The test's shortcut to a stock no adjustment of ±1,000,000 reaches in reasonable time. */
async function setStock(productId: string, inventory: number): Promise<void> {
  await app.db.updateTable("products").set({ inventory }).where("id", "=", productId).execute();
}

async function orderState(orderId: string) {
  const [order, refunds] = await Promise.all([
    app.db.selectFrom("orders").select(["status", "refunded_amount", "updated_at"]).where("id", "=", orderId).executeTakeFirstOrThrow(),
    app.db.selectFrom("refunds").select("id").where("order_id", "=", orderId).execute(),
  ]);
  return { order, refunds };
}

async function stockOf(productId: string): Promise<number> {
  return (await app.db.selectFrom("products").select("inventory").where("id", "=", productId).executeTakeFirstOrThrow()).inventory;
}

describe("stock arithmetic past the integer column", () => {
  it("cancelling an order whose restock would pass 2^31 − 1 → 409 inventory_limit_exceeded, nothing changes; lowered stock → cancelled", async () => {
    const [mug, cup] = [await createProduct(app, owner, "MAX-MUG"), await createProduct(app, owner, "MAX-CUP")];
    // Two lines, so a restock already applied to the first must roll back with the second's refusal.
    const order = await placeTwoLineOrder(mug.id, cup.id);
    await setStock(mug.id, 10);
    await setStock(cup.id, MAX_INVENTORY);
    const before = await orderState(order.id);

    const refused = await api("POST", `/v1/admin/orders/${order.id}/cancel`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe("inventory_limit_exceeded");
    expect(refused.body.detail).toContain("MAX-CUP");
    expect(await orderState(order.id)).toEqual(before);
    expect([await stockOf(mug.id), await stockOf(cup.id)]).toEqual([10, MAX_INVENTORY]);

    // The way out the contract describes: lower the stock, cancel again.
    expect((await api("POST", `/v1/admin/products/${cup.id}/inventory-adjustments`, { delta: -100, reason: "correction" })).status).toBe(
      200,
    );
    const cancelled = await api("POST", `/v1/admin/orders/${order.id}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    expect([await stockOf(mug.id), await stockOf(cup.id)]).toEqual([11, MAX_INVENTORY - 99]);
  });

  it("cancelling right up to the maximum works", async () => {
    const product = await createProduct(app, owner, "EDGE-MUG");
    const order = await placeTestOrder(app, owner, product);
    await setStock(product.id, MAX_INVENTORY - 1);
    expect((await api("POST", `/v1/admin/orders/${order.id}/cancel`)).status).toBe(200);
    expect(await stockOf(product.id)).toBe(MAX_INVENTORY);
  });

  it("an adjustment past the maximum → 409 inventory_limit_exceeded, no adjustment recorded", async () => {
    const product = await createProduct(app, owner, "ADJ-MUG");
    await setStock(product.id, MAX_INVENTORY - 5);
    const refused = await api("POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: 6, reason: "restock" });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("inventory_limit_exceeded");
    expect(await stockOf(product.id)).toBe(MAX_INVENTORY - 5);
    expect(await app.db.selectFrom("inventory_adjustments").select("id").where("product_id", "=", product.id).execute()).toEqual([]);
    expect(
      (await api("POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: 5, reason: "restock" })).body.inventory,
    ).toBe(MAX_INVENTORY);
  });
});

describe("amounts and quantities past the contract's bounds → 400 naming the field", () => {
  let product: { id: string };
  let order: { id: string };
  let cartId: string;

  beforeAll(async () => {
    product = await createProduct(app, owner, "BOUND-MUG");
    order = await placeTestOrder(app, owner, product);
    cartId = String((await api("POST", "/v1/carts", { currency: "EUR" })).body.id);
  });

  const create = (fields: Record<string, unknown>) => ({
    sku: `B-${randomUUID().slice(0, 8)}`,
    name: "Mug",
    price: { amount: 100, currency: "EUR" },
    ...fields,
  });

  it.each([
    {
      name: "a price of 2^53",
      path: () => "/v1/admin/products",
      body: () => create({ price: { amount: MAX_AMOUNT + 1, currency: "EUR" } }),
      pointer: "/body/price/amount",
      code: "maximum",
    },
    {
      name: "a price of 1e20",
      path: () => "/v1/admin/products",
      body: () => create({ price: { amount: 1e20, currency: "EUR" } }),
      pointer: "/body/price/amount",
      code: "maximum",
    },
    {
      name: "a negative price",
      path: () => "/v1/admin/products",
      body: () => create({ price: { amount: -1, currency: "EUR" } }),
      pointer: "/body/price/amount",
      code: "minimum",
    },
    {
      name: "a starting stock over 1,000,000",
      path: () => "/v1/admin/products",
      body: () => create({ inventory: 1_000_001 }),
      pointer: "/body/inventory",
      code: "maximum",
    },
    {
      name: "a stock adjustment over 1,000,000",
      path: () => `/v1/admin/products/${product.id}/inventory-adjustments`,
      body: () => ({ delta: 1_000_001, reason: "restock" }),
      pointer: "/body/delta",
      code: "maximum",
    },
    {
      name: "a stock adjustment of 2^31",
      path: () => `/v1/admin/products/${product.id}/inventory-adjustments`,
      body: () => ({ delta: 2 ** 31, reason: "restock" }),
      pointer: "/body/delta",
      code: "maximum",
    },
    {
      name: "a stock adjustment under -1,000,000",
      path: () => `/v1/admin/products/${product.id}/inventory-adjustments`,
      body: () => ({ delta: -1_000_001, reason: "damage" }),
      pointer: "/body/delta",
      code: "minimum",
    },
    {
      name: "a cart quantity of 1000",
      path: () => `/v1/carts/${cartId}/items`,
      body: () => ({ product_id: product.id, quantity: 1000 }),
      pointer: "/body/quantity",
      code: "maximum",
    },
    {
      name: "a cart quantity of 2^31",
      path: () => `/v1/carts/${cartId}/items`,
      body: () => ({ product_id: product.id, quantity: 2 ** 31 }),
      pointer: "/body/quantity",
      code: "maximum",
    },
    {
      name: "a refund of 2^53",
      path: () => `/v1/admin/orders/${order.id}/refunds`,
      body: () => ({ amount: { amount: MAX_AMOUNT + 1, currency: "EUR" } }),
      pointer: "/body/amount/amount",
      code: "maximum",
    },
  ])("$name → $pointer ($code)", async ({ path, body, pointer, code }) => {
    const before = await snapshot();
    const reply = await api("POST", path(), body(), { "idempotency-key": randomUUID() });
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    expect(reply.body.code).toBe("validation_failed");
    expect(reply.body.errors).toEqual([expect.objectContaining({ pointer, code })]);
    expect(await snapshot()).toEqual(before);
  });

  it("a cart total past 2^53 − 1 → 409 quantity_limit_exceeded (declared), the line not added", async () => {
    const pricey = await api(
      "POST",
      "/v1/admin/products",
      create({ sku: "PRICEY", price: { amount: MAX_AMOUNT, currency: "EUR" }, inventory: 10 }),
      { "idempotency-key": randomUUID() },
    );
    expect(pricey.status).toBe(201);
    const refused = await api("POST", `/v1/carts/${cartId}/items`, { product_id: pricey.body.id, quantity: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("quantity_limit_exceeded");
    expect(await app.db.selectFrom("cart_items").select("id").where("cart_id", "=", cartId).execute()).toEqual([]);
  });
});

async function snapshot() {
  return {
    products: await app.db.selectFrom("products").select(["id", "inventory", "price_amount", "updated_at"]).orderBy("id").execute(),
    adjustments: await app.db.selectFrom("inventory_adjustments").select("id").orderBy("id").execute(),
    cartItems: await app.db.selectFrom("cart_items").select(["id", "quantity"]).orderBy("id").execute(),
    refunds: await app.db.selectFrom("refunds").select("id").orderBy("id").execute(),
  };
}

/** A paid order of one unit each of two products. */
async function placeTwoLineOrder(firstId: string, secondId: string): Promise<{ id: string }> {
  const cart = await api("POST", "/v1/carts", { currency: "EUR" });
  for (const productId of [firstId, secondId]) {
    const added = await api("POST", `/v1/carts/${String(cart.body.id)}/items`, { product_id: productId, quantity: 1 });
    expect(added.status).toBe(200);
  }
  const order = await api("POST", "/v1/orders", { cart_id: cart.body.id }, { "idempotency-key": randomUUID() });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  return { id: String(order.body.id) };
}
