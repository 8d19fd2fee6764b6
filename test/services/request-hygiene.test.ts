/*
 * Bad requests against the real handlers: every one is a 4xx
 * application/problem+json naming what is wrong, never a 500, and none of
 * them reaches the database.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { type Cart, CommerceClient, expectProblem, type Product } from "./support/commerce-client.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
let shop: CommerceClient;
let product: Product;
let cart: Cart;

beforeAll(async () => {
  server = await startCommerceServer();
  shop = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
  product = await shop.createProduct();
  cart = await shop.createCart();
});
afterAll(() => server.close());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

async function raw(method: string, path: string, text: string, contentType = "application/json", headers: Record<string, string> = {}) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { "x-test-org": shop.org, "content-type": contentType, ...headers },
    body: new TextEncoder().encode(text),
  });
  const body = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), body: JSON.parse(body) as unknown };
}

describe("malformed and unexpected bodies", () => {
  it.each([
    { name: "truncated JSON", text: '{"product_id":' },
    { name: "not JSON at all", text: "product_id=1" },
    { name: "a JSON string with a bad escape", text: '"\\x"' },
  ])("$name → 400 malformed_body", async ({ text }) => {
    expectProblem(await raw("POST", `/v1/carts/${cart.id}/items`, text), 400, "malformed_body");
  });

  it("a body over 100 kB → 413 body_too_large", async () => {
    const huge = JSON.stringify({ currency: "EUR", padding: "x".repeat(200_000) });
    expectProblem(await raw("POST", "/v1/carts", huge), 413, "body_too_large");
  });

  it("a body that is not JSON by Content-Type → 415", async () => {
    expectProblem(await raw("POST", "/v1/carts", "currency=EUR", "text/plain"), 415, "unsupported_media_type");
  });

  it.each([
    {
      name: "wrong types",
      path: () => `/v1/carts/${cart.id}/items`,
      body: () => ({ product_id: 7, quantity: "2" }),
      pointers: ["/body/product_id", "/body/quantity"],
    },
    {
      name: "an unknown field",
      path: () => `/v1/carts/${cart.id}/items`,
      body: () => ({ product_id: product.id, quantity: 1, price: 1 }),
      pointers: ["/body/price"],
    },
    {
      name: "a quantity above 999",
      path: () => `/v1/carts/${cart.id}/items`,
      body: () => ({ product_id: product.id, quantity: 1000 }),
      pointers: ["/body/quantity"],
    },
    { name: "a lower-case currency", path: () => "/v1/carts", body: () => ({ currency: "eur" }), pointers: ["/body/currency"] },
    { name: "null", path: () => "/v1/carts", body: () => null, pointers: ["/body"] },
    { name: "an array", path: () => "/v1/carts", body: () => [], pointers: ["/body"] },
  ])("$name → 400 validation_failed naming each field", async ({ path, body, pointers }) => {
    const response = await shop.request("POST", path(), body());
    const problem = expectProblem(response, 400, "validation_failed");
    expect([...new Set(problem.errors?.map((error) => error.pointer))].sort()).toEqual(pointers);
  });

  it("a float money amount and an unknown money field → 400", async () => {
    const response = await shop.request(
      "POST",
      "/v1/admin/products",
      { sku: "FLOAT-1", name: "x", price: { amount: 12.5, currency: "EUR", cents: true } },
      { "idempotency-key": randomUUID() },
    );
    const problem = expectProblem(response, 400, "validation_failed");
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(["/body/price/amount", "/body/price/cents"]);
  });
});

describe("bad parameters", () => {
  it.each([
    { name: "a path id that is not a UUID", path: "/v1/products/not-a-uuid", pointer: "/path/product_id" },
    { name: "limit 0", path: "/v1/products?limit=0", pointer: "/query/limit" },
    { name: "limit 101", path: "/v1/products?limit=101", pointer: "/query/limit" },
    { name: "an unknown order status", path: "/v1/admin/orders?status=shipped", pointer: "/query/status" },
    { name: "a lower-case currency filter", path: "/v1/products?currency=eur", pointer: "/query/currency" },
  ])("$name → 400 naming $pointer", async ({ path, pointer }) => {
    const problem = expectProblem(await shop.request("GET", path), 400, "validation_failed");
    expect(problem.errors?.map((error) => error.pointer)).toContain(pointer);
  });

  it("an over-long Idempotency-Key → 400 naming the header", async () => {
    const response = await shop.request("POST", "/v1/orders", { cart_id: cart.id }, { "idempotency-key": "k".repeat(256) });
    expect(expectProblem(response, 400, "validation_failed").errors?.map((error) => error.pointer)).toEqual(["/header/idempotency-key"]);
  });
});

it("none of the refused requests changed anything", async () => {
  const scope = new TenantScope(server.db, tenantOf(shop.org));
  expect(await scope.selectFrom("carts").select("id").execute()).toEqual([{ id: cart.id }]);
  expect(await scope.selectFrom("cart_items").select("id").execute()).toEqual([]);
  expect(await scope.selectFrom("products").select("id").execute()).toEqual([{ id: product.id }]);
});
