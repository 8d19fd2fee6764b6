/*
 * Every operation of the contract is mounted at its method and path and
 * reaches its own handler.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { defaultContext, type OperationId } from "../../generated/routes.js";
import { CART_ID, ITEM_ID, ORDER_ID, PRODUCT_ID } from "./support/handlers.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ context: defaultContext });
});
afterAll(() => server.close());

const key = { "idempotency-key": "key-1" };
const money = { amount: 100, currency: "EUR" };

const requests: { operationId: OperationId; method: string; path: string; body?: unknown; headers?: Record<string, string>; status: number }[] = [
  { operationId: "listProducts", method: "GET", path: "/v1/products", status: 200 },
  { operationId: "getProduct", method: "GET", path: `/v1/products/${PRODUCT_ID}`, status: 200 },
  { operationId: "createCart", method: "POST", path: "/v1/carts", body: { currency: "EUR" }, status: 201 },
  { operationId: "getCart", method: "GET", path: `/v1/carts/${CART_ID}`, status: 200 },
  { operationId: "addCartItem", method: "POST", path: `/v1/carts/${CART_ID}/items`, body: { product_id: PRODUCT_ID, quantity: 1 }, status: 200 },
  { operationId: "updateCartItem", method: "PATCH", path: `/v1/carts/${CART_ID}/items/${ITEM_ID}`, body: { quantity: 2 }, status: 200 },
  { operationId: "removeCartItem", method: "DELETE", path: `/v1/carts/${CART_ID}/items/${ITEM_ID}`, status: 200 },
  { operationId: "listOrders", method: "GET", path: "/v1/orders", status: 200 },
  { operationId: "placeOrder", method: "POST", path: "/v1/orders", body: { cart_id: CART_ID }, headers: key, status: 201 },
  { operationId: "getOrder", method: "GET", path: `/v1/orders/${ORDER_ID}`, status: 200 },
  { operationId: "adminCreateProduct", method: "POST", path: "/v1/admin/products", body: { sku: "S", name: "N", price: money }, headers: key, status: 201 },
  { operationId: "adminUpdateProduct", method: "PATCH", path: `/v1/admin/products/${PRODUCT_ID}`, body: { name: "New" }, status: 200 },
  { operationId: "adminArchiveProduct", method: "POST", path: `/v1/admin/products/${PRODUCT_ID}/archive`, status: 200 },
  { operationId: "adminAdjustInventory", method: "POST", path: `/v1/admin/products/${PRODUCT_ID}/inventory-adjustments`, body: { delta: -2, reason: "damage" }, status: 200 },
  { operationId: "adminListOrders", method: "GET", path: "/v1/admin/orders", status: 200 },
  { operationId: "adminGetOrder", method: "GET", path: `/v1/admin/orders/${ORDER_ID}`, status: 200 },
  { operationId: "adminRefundOrder", method: "POST", path: `/v1/admin/orders/${ORDER_ID}/refunds`, body: { amount: money }, headers: key, status: 201 },
  { operationId: "adminCancelOrder", method: "POST", path: `/v1/admin/orders/${ORDER_ID}/cancel`, status: 200 },
];

it.each(requests)("$method $path reaches $operationId with $status", async ({ operationId, method, path, body, headers, status }) => {
  const before = server.calls.length;
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json(;|$)/);
  expect(server.calls.slice(before).map((call) => call.operationId)).toEqual([operationId]);
});

it("ignores a body sent to an operation that declares none", async () => {
  const response = await fetch(`${server.baseUrl}/v1/admin/orders/${ORDER_ID}/cancel`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"reason":"x"}',
  });
  expect(response.status).toBe(200);
  expect(server.lastInput("adminCancelOrder")).toEqual({ params: { order_id: ORDER_ID }, query: {}, headers: {}, body: undefined });
});
