/*
 * Races decided by the database, over real HTTP and (with DATABASE_URL) a
 * pool of 20 connections: stock never goes negative, a cart becomes at most
 * one order, refunds never exceed the total.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { type Cart, CommerceClient, expectProblem, type Order, type Product } from "./support/commerce-client.js";
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

const inventoryOf = async (productId: string) =>
  (await scope.selectFrom("products").select("inventory").where("id", "=", productId).executeTakeFirstOrThrow()).inventory;

describe("placeOrder races", () => {
  it("50 carts, stock 10: exactly 10 orders, stock 0, never negative", async () => {
    const product = await shop.createProduct({ inventory: 10 });
    const carts: Cart[] = [];
    for (let index = 0; index < 50; index += 1) {
      const cart = await shop.createCart();
      await shop.addItem(cart.id, product.id, 1);
      carts.push(cart);
    }
    const responses = await Promise.all(carts.map((cart) => shop.placeOrder(cart.id)));
    const placed = responses.filter((response) => response.status === 201);
    expect(placed).toHaveLength(10);
    for (const response of responses.filter((item) => item.status !== 201)) expectProblem(response, 409, "insufficient_inventory");
    expect(await inventoryOf(product.id)).toBe(0);
    const orders = await scope.selectFrom("order_items").select("quantity").where("product_id", "=", product.id).execute();
    expect(orders).toHaveLength(10);
    // The ten ordered carts are ordered; the forty others are still open.
    const statuses = await scope
      .selectFrom("carts")
      .select("status")
      .where(
        "id",
        "in",
        carts.map((cart) => cart.id),
      )
      .execute();
    expect(statuses.filter((cart) => cart.status === "ordered")).toHaveLength(10);
  });

  it("the same cart 50 times at once: exactly one order", async () => {
    const product = await shop.createProduct({ inventory: 100 });
    const cart = await shop.createCart();
    await shop.addItem(cart.id, product.id, 2);
    const responses = await Promise.all(Array.from({ length: 50 }, () => shop.placeOrder(cart.id)));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    for (const response of responses.filter((item) => item.status !== 201)) expectProblem(response, 409, "cart_not_open");
    expect(await scope.selectFrom("orders").select("id").where("cart_id", "=", cart.id).execute()).toHaveLength(1);
    expect(await inventoryOf(product.id)).toBe(98);
  });

  it("orders sharing products in opposite line order do not deadlock", async () => {
    const first = await shop.createProduct({ inventory: 100 });
    const second = await shop.createProduct({ inventory: 100 });
    const carts: Cart[] = [];
    for (let index = 0; index < 20; index += 1) {
      const cart = await shop.createCart();
      const [x, y] = index % 2 === 0 ? [first, second] : [second, first];
      await shop.addItem(cart.id, x.id, 1);
      await shop.addItem(cart.id, y.id, 1);
      carts.push(cart);
    }
    const responses = await Promise.all(carts.map((cart) => shop.placeOrder(cart.id)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect([await inventoryOf(first.id), await inventoryOf(second.id)]).toEqual([80, 80]);
  });
});

describe("refund races", () => {
  it("20 partial refunds at once never exceed the total; the status matches the sum", async () => {
    const { order } = await shop.orderOf(1, 1000);
    const responses = await Promise.all(Array.from({ length: 20 }, () => shop.refund(order.id, 70)));
    const made = responses.filter((response) => response.status === 201);
    expect(made).toHaveLength(14); // 14 × 70 = 980 ≤ 1000 < 15 × 70
    for (const response of responses.filter((item) => item.status !== 201)) expectProblem(response, 409, "refund_exceeds_remaining");
    const refunds = await scope.selectFrom("refunds").select("amount").where("order_id", "=", order.id).execute();
    const sum = refunds.reduce((total, refund) => total + Number(refund.amount), 0);
    const stored = await shop.expectOk<Order>(200, "GET", `/v1/admin/orders/${order.id}`);
    expect(sum).toBe(980);
    expect(stored).toMatchObject({ status: "partially_refunded", refunded_amount: { amount: 980 } });
  });

  it("20 refunds that add up to the total end as refunded; the 21st is refused", async () => {
    const { order } = await shop.orderOf(1, 1000);
    const responses = await Promise.all(Array.from({ length: 21 }, () => shop.refund(order.id, 50)));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(20);
    const rest = responses.filter((response) => response.status !== 201);
    expect(rest).toHaveLength(1);
    // The last one arrives after the order became fully refunded, or just before (then it exceeds what is left).
    expect(["order_not_refundable", "refund_exceeds_remaining"]).toContain((rest[0]!.body as { code: string }).code);
    expect(await shop.expectOk<Order>(200, "GET", `/v1/admin/orders/${order.id}`)).toMatchObject({
      status: "refunded",
      refunded_amount: { amount: 1000 },
    });
  });

  it("refunds racing a cancel: refunded_amount ends equal to the total, stock returned once", async () => {
    const { order, product } = await shop.orderOf(2, 1000, 10);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => shop.refund(order.id, 100)),
      shop.request("POST", `/v1/admin/orders/${order.id}/cancel`),
      shop.request("POST", `/v1/admin/orders/${order.id}/cancel`),
    ]);
    expect(results.slice(5).filter((response) => response.status === 200)).toHaveLength(1);
    const refunds = await scope.selectFrom("refunds").select("amount").where("order_id", "=", order.id).execute();
    expect(refunds.reduce((total, refund) => total + Number(refund.amount), 0)).toBe(2000);
    expect(await shop.expectOk<Order>(200, "GET", `/v1/admin/orders/${order.id}`)).toMatchObject({
      status: "cancelled",
      refunded_amount: { amount: 2000 },
    });
    expect(await inventoryOf(product.id)).toBe(10);
  });
});

describe("cart and stock races", () => {
  it("20 parallel adds of one product to one cart merge into one line of 20", async () => {
    const product = await shop.createProduct({ inventory: 100 });
    const cart = await shop.createCart();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => shop.request("POST", `/v1/carts/${cart.id}/items`, { product_id: product.id, quantity: 1 })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect((await shop.expectOk<Cart>(200, "GET", `/v1/carts/${cart.id}`)).items).toEqual([expect.objectContaining({ quantity: 20 })]);
  });

  it("30 parallel removals of 1 from a stock of 10: 10 succeed, stock 0", async () => {
    const product = await shop.createProduct({ inventory: 10 });
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        shop.request<Product>("POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: -1, reason: "damage" }),
      ),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(10);
    expect(await inventoryOf(product.id)).toBe(0);
    const adjustments = await scope.selectFrom("inventory_adjustments").select("id").where("product_id", "=", product.id).execute();
    expect(adjustments).toHaveLength(10);
  });
});
