/*
 * JSON bodies are validated strictly: never coerced, defaults filled, the
 * validated value handed to the handler.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultContext } from "../../generated/routes.js";
import { CART_ID, ITEM_ID, PRODUCT_ID } from "./support/handlers.js";
import { expectProblem, sendJson, sendRaw } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ context: defaultContext });
});
afterAll(() => server.close());

const itemPath = `/v1/carts/${CART_ID}/items`;

describe("JSON bodies are not coerced", () => {
  it.each([
    { quantity: "5", name: "a numeric string" },
    { quantity: 5.5, name: "a fraction" },
    { quantity: true, name: "a boolean" },
    { quantity: null, name: "null" },
    { quantity: [5], name: "a one-item array" },
  ])("quantity as $name is a 400 at /body/quantity", async ({ quantity }) => {
    const response = await sendJson(server.baseUrl, "POST", itemPath, { product_id: PRODUCT_ID, quantity });
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/body/quantity", detail: expect.any(String), code: "type" }]);
  });

  it.each([
    { name: "an array", text: "[]" },
    { name: "a string", text: '"x"' },
    { name: "null", text: "null" },
    { name: "a number", text: "5" },
  ])("a body that is $name is a 400 at /body", async ({ text }) => {
    const response = await sendRaw(server.baseUrl, "POST", itemPath, text, "application/json");
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/body", detail: expect.any(String), code: "type" }]);
  });
});

describe("the handler gets the validated body", () => {
  it("as sent, with integers as numbers", async () => {
    const response = await sendJson(server.baseUrl, "POST", itemPath, { product_id: PRODUCT_ID, quantity: 5 });
    expect(response.status).toBe(200);
    expect(server.lastInput("addCartItem")).toEqual({
      params: { cart_id: CART_ID },
      query: {},
      headers: {},
      body: { product_id: PRODUCT_ID, quantity: 5 },
    });
  });

  it("with body defaults filled in", async () => {
    const body = { sku: "MUG-RED", name: "Red mug", price: { amount: 1200, currency: "EUR" } };
    const response = await sendJson(server.baseUrl, "POST", "/v1/admin/products", body, { "idempotency-key": "k-1" });
    expect(response.status).toBe(201);
    expect(server.lastInput("adminCreateProduct")).toMatchObject({ body: { ...body, inventory: 0 } });
  });

  it("with null where the schema allows it", async () => {
    const response = await sendJson(server.baseUrl, "PATCH", `/v1/admin/products/${PRODUCT_ID}`, { description: null });
    expect(response.status).toBe(200);
    expect(server.lastInput("adminUpdateProduct")).toMatchObject({ body: { description: null } });
  });

  it("with the charset parameter of the Content-Type ignored", async () => {
    const response = await sendRaw(server.baseUrl, "PATCH", `/v1/carts/${CART_ID}/items/${ITEM_ID}`, '{"quantity":3}', "application/json; charset=utf-8");
    expect(response.status).toBe(200);
    expect(server.lastInput("updateCartItem")).toMatchObject({ body: { quantity: 3 } });
  });
});

describe("schema keywords beyond type", () => {
  it.each([
    { name: "not (delta 0)", method: "POST", path: `/v1/admin/products/${PRODUCT_ID}/inventory-adjustments`, body: { delta: 0, reason: "restock" }, pointer: "/body/delta", code: "not" },
    { name: "enum", method: "POST", path: `/v1/admin/products/${PRODUCT_ID}/inventory-adjustments`, body: { delta: 1, reason: "theft" }, pointer: "/body/reason", code: "enum" },
    { name: "minProperties", method: "PATCH", path: `/v1/admin/products/${PRODUCT_ID}`, body: {}, pointer: "/body", code: "minProperties" },
    { name: "maximum", method: "PATCH", path: `/v1/carts/${CART_ID}/items/${ITEM_ID}`, body: { quantity: 1000 }, pointer: "/body/quantity", code: "maximum" },
  ])("$name", async ({ method, path, body, pointer, code }) => {
    const response = await sendJson(server.baseUrl, method, path, body);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer, detail: expect.any(String), code }]);
  });
});
