/*
 * Orders over HTTP: placement (snapshot, stock, cart status, rollback),
 * the storefront's own-orders view, the merchant's view, refunds and
 * cancellation.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import {
  type Cart,
  CommerceClient,
  expectProblem,
  MISSING_ID,
  type Order,
  type OrderList,
  type Product,
  type Refund,
} from "./support/commerce-client.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
let shop: CommerceClient;

beforeAll(async () => {
  server = await startCommerceServer();
  shop = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
});
afterAll(() => server.close());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

const inventoryOf = async (product: Product) => (await shop.expectOk<Product>(200, "GET", `/v1/products/${product.id}`)).inventory;

describe("placeOrder", () => {
  it("snapshots the lines, decrements stock and marks the cart ordered", async () => {
    const mug = await shop.createProduct({ name: "Mug", price: { amount: 1500, currency: "EUR" }, inventory: 10 });
    const plate = await shop.createProduct({ name: "Plate", price: { amount: 700, currency: "EUR" }, inventory: 4 });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, mug.id, 2);
    await shop.addItem(cart.id, plate.id, 4);
    const placed = await shop.placeOrder(cart.id);
    expect(placed.status).toBe(201);
    const order = placed.body as Order;
    expect(order).toEqual({
      id: expect.any(String),
      cart_id: cart.id,
      status: "paid",
      currency: "EUR",
      items: [
        {
          product_id: mug.id,
          sku: mug.sku,
          name: "Mug",
          unit_price: { amount: 1500, currency: "EUR" },
          quantity: 2,
          line_total: { amount: 3000, currency: "EUR" },
        },
        {
          product_id: plate.id,
          sku: plate.sku,
          name: "Plate",
          unit_price: { amount: 700, currency: "EUR" },
          quantity: 4,
          line_total: { amount: 2800, currency: "EUR" },
        },
      ],
      subtotal: { amount: 5800, currency: "EUR" },
      total: { amount: 5800, currency: "EUR" },
      refunded_amount: { amount: 0, currency: "EUR" },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect([await inventoryOf(mug), await inventoryOf(plate)]).toEqual([8, 0]);
    expect((await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).status).toBe("ordered");

    // Placed orders keep their prices and names.
    await shop.expectOk(200, "PATCH", `/v1/admin/products/${mug.id}`, { name: "Renamed", price: { amount: 1, currency: "EUR" } });
    expect(await shop.expectOk(200, "GET", `/v1/orders/${order.id}`)).toEqual(order);
  });

  it("answers 404 cart_not_found, 409 cart_not_open and 409 cart_empty", async () => {
    expectProblem(await shop.placeOrder(MISSING_ID), 404, "cart_not_found");
    const { cart } = await shop.orderOf(1);
    expectProblem(await shop.placeOrder(cart.id), 409, "cart_not_open");
    const empty = await shop.createCart();
    expectProblem(await shop.placeOrder(empty.id), 409, "cart_empty");
  });

  it("answers 409 product_unavailable when a line's product was archived", async () => {
    const product = await shop.createProduct();
    const cart = await shop.createCart();
    await shop.addItem(cart.id, product.id, 1);
    await shop.expectOk(200, "POST", `/v1/admin/products/${product.id}/archive`);
    expectProblem(await shop.placeOrder(cart.id), 409, "product_unavailable");
  });

  it("answers 409 insufficient_inventory and rolls back the stock taken for earlier lines", async () => {
    const plenty = await shop.createProduct({ inventory: 10 });
    const scarce = await shop.createProduct({ inventory: 5 });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, plenty.id, 3);
    await shop.addItem(cart.id, scarce.id, 5);
    await shop.expectOk(200, "POST", `/v1/admin/products/${scarce.id}/inventory-adjustments`, { delta: -1, reason: "damage" });
    expectProblem(await shop.placeOrder(cart.id), 409, "insufficient_inventory");
    expect([await inventoryOf(plenty), await inventoryOf(scarce)]).toEqual([10, 4]);
    const scope = new TenantScope(server.db, tenantOf(shop.org));
    expect(await scope.selectFrom("orders").select("id").where("cart_id", "=", cart.id).execute()).toEqual([]);
    expect((await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).status).toBe("open");
  });
});

describe("listOrders and getOrder (storefront)", () => {
  it("show only the caller's own orders, newest first, paginated", async () => {
    const store = new CommerceClient(server.baseUrl, `org-${randomUUID()}`, "alice");
    const bob = store.as("bob");
    const mine: Order[] = [];
    for (let index = 0; index < 5; index += 1) mine.push((await store.orderOf(1)).order);
    const theirs = (await bob.orderOf(1)).order;

    const first = await store.expectOk<OrderList>(200, "GET", "/v1/orders?limit=3");
    const second = await store.expectOk<OrderList>(200, "GET", `/v1/orders?limit=3&cursor=${first.next_cursor}`);
    expect([...first.data, ...second.data].map((order) => order.id)).toEqual(mine.map((order) => order.id).reverse());
    expect(second.next_cursor).toBeNull();

    expect(await store.expectOk(200, "GET", `/v1/orders/${mine[0]!.id}`)).toEqual(mine[0]);
    expectProblem(await store.request("GET", `/v1/orders/${theirs.id}`), 404, "order_not_found");
    expectProblem(await store.request("GET", `/v1/orders/${MISSING_ID}`), 404, "order_not_found");
    expect((await bob.expectOk<OrderList>(200, "GET", "/v1/orders")).data.map((order) => order.id)).toEqual([theirs.id]);
  });
});

describe("adminListOrders and adminGetOrder", () => {
  it("see every order of the store, filtered by status", async () => {
    const store = new CommerceClient(server.baseUrl, `org-${randomUUID()}`, "alice");
    const a = (await store.orderOf(1)).order;
    const b = (await store.as("bob").orderOf(1)).order;
    const c = (await store.orderOf(1)).order;
    await store.refund(c.id, 100);

    const all = await store.as("merchant").expectOk<OrderList>(200, "GET", "/v1/admin/orders");
    expect(all.data.map((order) => order.id)).toEqual([c.id, b.id, a.id]);
    const paid = await store.expectOk<OrderList>(200, "GET", "/v1/admin/orders?status=paid&limit=1");
    const paidNext = await store.expectOk<OrderList>(200, "GET", `/v1/admin/orders?status=paid&limit=1&cursor=${paid.next_cursor}`);
    expect([...paid.data, ...paidNext.data].map((order) => order.id)).toEqual([b.id, a.id]);
    expect(paidNext.next_cursor).toBeNull();
    const refunded = await store.expectOk<OrderList>(200, "GET", "/v1/admin/orders?status=partially_refunded");
    expect(refunded.data.map((order) => order.id)).toEqual([c.id]);

    expect(await store.as("merchant").expectOk(200, "GET", `/v1/admin/orders/${b.id}`)).toEqual(b);
    expectProblem(await store.request("GET", `/v1/admin/orders/${MISSING_ID}`), 404, "order_not_found");
  });
});

describe("adminRefundOrder", () => {
  it("refunds partially, then fully; the status follows", async () => {
    const { order } = await shop.orderOf(2, 1500); // total 3000
    const first = await shop.refund(order.id, 1000);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      order_id: order.id,
      amount: { amount: 1000, currency: "EUR" },
      reason: null,
      created_at: expect.any(String),
    });
    expect(await shop.expectOk(200, "GET", `/v1/admin/orders/${order.id}`)).toMatchObject({
      status: "partially_refunded",
      refunded_amount: { amount: 1000 },
    });

    const rest = await shop.request<Refund>(
      "POST",
      `/v1/admin/orders/${order.id}/refunds`,
      { amount: { amount: 2000, currency: "EUR" }, reason: "chipped" },
      {
        "idempotency-key": randomUUID(),
      },
    );
    expect(rest).toMatchObject({ status: 201, body: { reason: "chipped" } });
    expect(await shop.expectOk(200, "GET", `/v1/admin/orders/${order.id}`)).toMatchObject({
      status: "refunded",
      refunded_amount: { amount: 3000 },
    });
    expectProblem(await shop.refund(order.id, 1), 409, "order_not_refundable");
  });

  it("answers 404, 409 currency_mismatch and 409 refund_exceeds_remaining", async () => {
    const { order } = await shop.orderOf(1, 1500);
    expectProblem(await shop.refund(MISSING_ID, 1), 404, "order_not_found");
    expectProblem(await shop.refund(order.id, 100, "USD"), 409, "currency_mismatch");
    await shop.refund(order.id, 1000);
    const tooMuch = expectProblem(await shop.refund(order.id, 501), 409, "refund_exceeds_remaining");
    expect(tooMuch.errors).toEqual([{ pointer: "/body/amount/amount", detail: "must be <= 500" }]);
    expectProblem(await shop.refund(order.id, 0), 400, "validation_failed");
  });
});

describe("adminCancelOrder", () => {
  it("returns stock, refunds the rest and records it as a refund", async () => {
    const { order, product } = await shop.orderOf(3, 1000, 10);
    await shop.refund(order.id, 400);
    expect(await inventoryOf(product)).toBe(7);
    const cancelled = await shop.expectOk<Order>(200, "POST", `/v1/admin/orders/${order.id}/cancel`);
    expect(cancelled).toMatchObject({
      id: order.id,
      status: "cancelled",
      refunded_amount: { amount: 3000, currency: "EUR" },
      items: order.items,
    });
    expect(await inventoryOf(product)).toBe(10);
    const refunds = await new TenantScope(server.db, tenantOf(shop.org))
      .selectFrom("refunds")
      .select("amount")
      .where("order_id", "=", order.id)
      .execute();
    expect(refunds.map((refund) => Number(refund.amount)).sort()).toEqual([2600, 400]);

    expectProblem(await shop.request("POST", `/v1/admin/orders/${order.id}/cancel`), 409, "order_not_cancellable");
    expectProblem(await shop.refund(order.id, 1), 409, "order_not_refundable");
  });

  it("refuses a fully refunded order and an unknown one", async () => {
    const { order } = await shop.orderOf(1, 500);
    await shop.refund(order.id, 500);
    expectProblem(await shop.request("POST", `/v1/admin/orders/${order.id}/cancel`), 409, "order_not_cancellable");
    expectProblem(await shop.request("POST", `/v1/admin/orders/${MISSING_ID}/cancel`), 404, "order_not_found");
  });
});
