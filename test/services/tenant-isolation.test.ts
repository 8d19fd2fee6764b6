/*
 * Two stores on one database. Store B calls every operation with store A's
 * ids: each answers exactly like a missing id (404) and changes nothing of
 * A's (every commerce row of A is compared before and after).
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { type Cart, CommerceClient, type Order, type OrderList, type Product, type ProductList } from "./support/commerce-client.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
let storeA: CommerceClient;
let storeB: CommerceClient;
let a: { product: Product; cart: Cart; itemId: string; order: Order };

beforeAll(async () => {
  server = await startCommerceServer();
  // Same caller name in both stores: only the tenant tells them apart.
  storeA = new CommerceClient(server.baseUrl, `org-a-${randomUUID()}`, "same-caller");
  storeB = new CommerceClient(server.baseUrl, `org-b-${randomUUID()}`, "same-caller");
  const { product, order } = await storeA.orderOf(2, 1500, 10);
  await storeA.refund(order.id, 100);
  const cart = await storeA.createCart();
  const itemId = (await storeA.addItem(cart.id, product.id, 1)).items[0]!.id;
  a = { product, cart, itemId, order };
});
afterAll(() => server.close());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

/** Every commerce row of store A, for before/after comparison. */
async function snapshotOfA() {
  const scope = new TenantScope(server.db, tenantOf(storeA.org));
  const tables = [
    "products",
    "inventory_adjustments",
    "carts",
    "cart_items",
    "orders",
    "order_items",
    "refunds",
    "idempotency_keys",
  ] as const;
  const rows: Record<string, unknown[]> = {};
  for (const table of tables)
    rows[table] = await scope
      .selectFrom(table)
      .selectAll()
      .orderBy(table === "idempotency_keys" ? "key" : "id")
      .execute();
  return rows;
}

describe("store B on store A's ids", () => {
  it("gets 404 from every operation that names one, and A's rows stay as they were", async () => {
    const before = await snapshotOfA();
    const key = () => ({ "idempotency-key": randomUUID() });
    const ownCart = await storeB.createCart();
    const calls: [string, string, string, unknown?, Record<string, string>?][] = [
      ["product_not_found", "GET", `/v1/products/${a.product.id}`],
      ["product_not_found", "PATCH", `/v1/admin/products/${a.product.id}`, { name: "hijacked" }],
      ["product_not_found", "POST", `/v1/admin/products/${a.product.id}/archive`],
      ["product_not_found", "POST", `/v1/admin/products/${a.product.id}/inventory-adjustments`, { delta: -10, reason: "damage" }],
      ["cart_not_found", "GET", `/v1/carts/${a.cart.id}`],
      ["cart_not_found", "POST", `/v1/carts/${a.cart.id}/items`, { product_id: a.product.id, quantity: 1 }],
      ["product_not_found", "POST", `/v1/carts/${ownCart.id}/items`, { product_id: a.product.id, quantity: 1 }],
      ["cart_not_found", "PATCH", `/v1/carts/${a.cart.id}/items/${a.itemId}`, { quantity: 5 }],
      ["cart_not_found", "DELETE", `/v1/carts/${a.cart.id}/items/${a.itemId}`],
      ["cart_not_found", "POST", "/v1/orders", { cart_id: a.cart.id }, key()],
      ["order_not_found", "GET", `/v1/orders/${a.order.id}`],
      ["order_not_found", "GET", `/v1/admin/orders/${a.order.id}`],
      ["order_not_found", "POST", `/v1/admin/orders/${a.order.id}/refunds`, { amount: { amount: 1, currency: "EUR" } }, key()],
      ["order_not_found", "POST", `/v1/admin/orders/${a.order.id}/cancel`],
    ];
    for (const [code, method, path, body, headers] of calls) {
      const response = await storeB.request(method, path, body, headers);
      expect(response.body, `${method} ${path}`).toEqual({
        type: `/problems/${code}`,
        title: expect.any(String),
        status: 404,
        code,
        detail: expect.any(String),
        error: code,
        message: expect.any(String),
      });
    }
    expect(await snapshotOfA()).toEqual(before);
  });

  it("lists none of A's products or orders", async () => {
    expect((await storeB.expectOk<ProductList>(200, "GET", "/v1/products")).data).toEqual([]);
    expect((await storeB.expectOk<OrderList>(200, "GET", "/v1/orders")).data).toEqual([]);
    expect((await storeB.expectOk<OrderList>(200, "GET", "/v1/admin/orders")).data).toEqual([]);
    expect((await storeA.expectOk<OrderList>(200, "GET", "/v1/admin/orders")).data.map((order) => order.id)).toEqual([a.order.id]);
  });

  it("a cursor from A's list reveals nothing of A in B's list", async () => {
    await storeA.createProduct();
    const page = await storeA.expectOk<ProductList>(200, "GET", "/v1/products?limit=1");
    expect(page.next_cursor).not.toBeNull();
    expect((await storeB.expectOk<ProductList>(200, "GET", `/v1/products?cursor=${page.next_cursor}`)).data).toEqual([]);
  });

  it("SKUs and idempotency keys are per store: B may reuse both", async () => {
    const key = randomUUID();
    await storeA.request(
      "POST",
      "/v1/admin/products",
      { sku: "SHARED-SKU", name: "A", price: { amount: 1, currency: "EUR" } },
      { "idempotency-key": key },
    );
    const inB = await storeB.request<Product>(
      "POST",
      "/v1/admin/products",
      { sku: "SHARED-SKU", name: "A", price: { amount: 1, currency: "EUR" } },
      { "idempotency-key": key },
    );
    expect(inB.status).toBe(201);
    expect((await storeB.expectOk<Product>(200, "GET", `/v1/products/${inB.body.id}`)).sku).toBe("SHARED-SKU");
  });
});
