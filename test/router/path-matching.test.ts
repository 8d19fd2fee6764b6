/*
 * The router looks requests up in a radix tree; these are the Express rules
 * it keeps: paths match case-insensitively and with or without a trailing
 * slash, parameters keep their case and are percent-decoded (also `%2F`),
 * OPTIONS on a known path lists its methods, anything else is left to the
 * application. No ETag is computed (no operation declares 304).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { defaultContext } from "../../generated/routes.js";
import { CART_ID, ITEM_ID, PRODUCT_ID } from "./support/handlers.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ context: defaultContext });
});
afterAll(() => server.close());

it.each([
  { name: "a trailing slash", path: "/v1/products/" },
  { name: "upper-case letters", path: "/V1/Products" },
])("a path with $name reaches the operation", async ({ path }) => {
  const response = await fetch(`${server.baseUrl}${path}`);
  expect(response.status).toBe(200);
  expect(server.calls.at(-1)?.operationId).toBe("listProducts");
});

it("keeps the case of a parameter while matching the path case-insensitively", async () => {
  const upper = PRODUCT_ID.toUpperCase();
  const response = await fetch(`${server.baseUrl}/V1/PRODUCTS/${upper}`);
  // The echo contract types product_id as a uuid, which accepts either case.
  expect(response.status).toBe(200);
  expect(server.lastInput("getProduct")).toMatchObject({ params: { product_id: upper } });
});

it("decodes an encoded slash inside a parameter instead of splitting the path on it", async () => {
  const response = await fetch(`${server.baseUrl}/v1/products/a%2Fb`);
  // Not a uuid, so validation refuses it, naming the decoded value's field.
  expect(response.status).toBe(400);
  const body = (await response.json()) as { errors: { pointer: string }[] };
  expect(body.errors.map((error) => error.pointer)).toEqual(["/path/product_id"]);
});

it("passes every parameter of a two-parameter path by name", async () => {
  const response = await fetch(`${server.baseUrl}/v1/carts/${CART_ID}/items/${ITEM_ID}`, { method: "DELETE" });
  expect(response.status).toBe(200);
  expect(server.lastInput("removeCartItem")).toMatchObject({ params: { cart_id: CART_ID, item_id: ITEM_ID } });
});

it("answers OPTIONS on a known path with 204 and the allowed methods", async () => {
  const response = await fetch(`${server.baseUrl}/v1/orders`, { method: "OPTIONS" });
  expect(response.status).toBe(204);
  expect((response.headers.get("allow") ?? "").split(", ").sort()).toEqual(["GET", "HEAD", "POST"]);
});

it("leaves unknown paths to the application (Express's 404 here)", async () => {
  const before = server.calls.length;
  const response = await fetch(`${server.baseUrl}/v1/nothing-here`);
  expect(response.status).toBe(404);
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  expect(server.calls.length).toBe(before);
});

it("sends JSON with its length and no ETag", async () => {
  const response = await fetch(`${server.baseUrl}/v1/products`);
  const text = await response.text();
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
  expect(response.headers.get("etag")).toBeNull();
});
