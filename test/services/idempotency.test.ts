/*
 * Idempotency-Key on placeOrder, adminRefundOrder and adminCreateProduct:
 * replays, reuse with another request, keys per caller, expiry, release on
 * failure, in-progress duplicates and abandoned claims.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { requestHash } from "../../src/services/canonical-json.js";
import { CommerceClient, expectProblem, nextSku, type Order, type Product } from "./support/commerce-client.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
let shop: CommerceClient;
let scope: TenantScope;

beforeAll(async () => {
  server = await startCommerceServer();
  shop = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
  scope = new TenantScope(server.db, tenantOf(shop.org));
});
afterAll(() => server.close());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

async function openCart(quantity = 1, inventory = 10) {
  const product = await shop.createProduct({ inventory });
  const cart = await shop.createCart();
  await shop.addItem(cart.id, product.id, quantity);
  return { product, cart };
}

const ordersOfCart = (cartId: string) => scope.selectFrom("orders").select("id").where("cart_id", "=", cartId).execute();

describe("placeOrder", () => {
  it("replays the first response (status and body) for the same key and body", async () => {
    const { cart, product } = await openCart();
    const key = randomUUID();
    const first = await shop.placeOrder(cart.id, key);
    expect(first.status).toBe(201);
    const again = await shop.request("POST", "/v1/orders", { cart_id: cart.id }, { "idempotency-key": key });
    expect(again).toEqual(first);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
    expect((await shop.expectOk<Product>(200, "GET", `/v1/products/${product.id}`)).inventory).toBe(9);
  });

  it("answers 422 idempotency_key_reused for the same key with another body", async () => {
    const { cart } = await openCart();
    const other = await openCart();
    const key = randomUUID();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
    const reused = expectProblem(await shop.placeOrder(other.cart.id, key), 422, "idempotency_key_reused");
    expect(reused.errors).toEqual([expect.objectContaining({ pointer: "/header/idempotency-key" })]);
    expect(await ordersOfCart(other.cart.id)).toEqual([]);
  });

  it("remembers keys per caller: another caller's identical key is a new request", async () => {
    const { cart } = await openCart();
    const other = await openCart();
    const key = randomUUID();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
    const placed = await shop.as("someone-else").placeOrder(other.cart.id, key);
    expect(placed.status).toBe(201);
    expect((placed.body as Order).cart_id).toBe(other.cart.id);
  });

  it("forgets a failed request: after a 409, a retry with the same key runs again", async () => {
    const { cart, product } = await openCart(3, 3);
    await shop.expectOk(200, "POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: -1, reason: "damage" });
    const key = randomUUID();
    expectProblem(await shop.placeOrder(cart.id, key), 409, "insufficient_inventory");
    await shop.expectOk(200, "POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: 1, reason: "restock" });
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
  });

  it("answers 409 idempotency_request_in_progress while the first request holds the key", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    // A claim without a response: what a running first request leaves in the table.
    await scope
      .insertInto("idempotency_keys", {
        caller: "api_key:shopper",
        key,
        operation_id: "placeOrder",
        request_hash: hashOfRunning(cart.id),
        claim_token: randomUUID(),
        expires_at: sql<Date>`now() + interval '24 hours'`,
      })
      .execute();
    expectProblem(await shop.placeOrder(cart.id, key), 409, "idempotency_request_in_progress");
    expect(await ordersOfCart(cart.id)).toEqual([]);
  });

  it("takes over a claim abandoned for more than 5 minutes (a crashed request)", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    await scope
      .insertInto("idempotency_keys", {
        caller: "api_key:shopper",
        key,
        operation_id: "placeOrder",
        request_hash: hashOfRunning(cart.id),
        claim_token: randomUUID(),
        expires_at: sql<Date>`now() + interval '24 hours' - interval '6 minutes'`,
      })
      .execute();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
  });

  it("lets a key be reused with any body once it has expired (24 h)", async () => {
    const { cart } = await openCart();
    const other = await openCart();
    const key = randomUUID();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
    await scope
      .updateTable("idempotency_keys")
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where("key", "=", key)
      .execute();
    const placed = await shop.placeOrder(other.cart.id, key);
    expect(placed.status).toBe(201);
    expect((placed.body as Order).cart_id).toBe(other.cart.id);
  });

  it("concurrent duplicates: one order; every other answer is the replay or 409 in progress", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => shop.placeOrder(cart.id, key)));
    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => JSON.stringify(response.body))).size).toBe(1);
    for (const response of responses.filter((item) => item.status !== 201)) expectProblem(response, 409, "idempotency_request_in_progress");
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
  });

  it("requires the header (400 naming /header/idempotency-key)", async () => {
    const { cart } = await openCart();
    const response = await shop.request("POST", "/v1/orders", { cart_id: cart.id });
    expect(expectProblem(response, 400, "validation_failed").errors).toEqual([
      expect.objectContaining({ pointer: "/header/idempotency-key" }),
    ]);
  });
});

describe("adminRefundOrder", () => {
  it("replays a refund instead of refunding twice; the same key on another order is 422", async () => {
    const { order } = await shop.orderOf(1, 1000);
    const other = (await shop.orderOf(1, 1000)).order;
    const key = randomUUID();
    const first = await shop.refund(order.id, 300, "EUR", key);
    expect(first.status).toBe(201);
    expect(await shop.refund(order.id, 300, "EUR", key)).toEqual(first);
    expect(await shop.expectOk(200, "GET", `/v1/admin/orders/${order.id}`)).toMatchObject({ refunded_amount: { amount: 300 } });
    expectProblem(await shop.refund(other.id, 300, "EUR", key), 422, "idempotency_key_reused");
    expectProblem(await shop.refund(order.id, 301, "EUR", key), 422, "idempotency_key_reused");
  });
});

describe("adminCreateProduct", () => {
  it("replays the product created first; another body with the key is 422", async () => {
    const key = randomUUID();
    const body = { sku: nextSku(), name: "Once", price: { amount: 100, currency: "EUR" } };
    const first = await shop.request("POST", "/v1/admin/products", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    // The defaulted field sent explicitly is the same request.
    expect(await shop.request("POST", "/v1/admin/products", { ...body, inventory: 0 }, { "idempotency-key": key })).toEqual(first);
    expect(await scope.selectFrom("products").select("id").where("sku", "=", body.sku).execute()).toHaveLength(1);
    expectProblem(
      await shop.request("POST", "/v1/admin/products", { ...body, name: "Twice" }, { "idempotency-key": key }),
      422,
      "idempotency_key_reused",
    );
  });
});

/** The request hash the service computes for placeOrder of `cartId`. */
function hashOfRunning(cartId: string): string {
  return requestHash("placeOrder", { body: { cart_id: cartId } });
}
