/*
 * JSON bodies are validated strictly: never coerced, defaults filled, the
 * validated value handed to the handler (requests.yaml).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { expectProblem, sendJson, sendRaw } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";
const ITEM_ID = "6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
const PRODUCT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

let server: TestServer<FixtureOperationId<"requests">>;
beforeAll(async () => {
  const { routes } = await loadFixture("requests");
  server = await startServer(routes, { context: routes.defaultContext });
});
afterAll(() => server.close());

const itemPath = `/carts/${CART_ID}/items`;

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
    expect(server.lastInput("addItem")).toEqual({
      params: { cart_id: CART_ID },
      query: {},
      headers: {},
      body: { product_id: PRODUCT_ID, quantity: 5 },
    });
  });

  it("with body defaults filled in", async () => {
    const body = { sku: "MUG-RED", name: "Red mug", price: { amount: 1200, currency: "EUR" } };
    const response = await sendJson(server.baseUrl, "POST", "/products", body);
    expect(response.status).toBe(201);
    expect(server.lastInput("createProduct")).toMatchObject({ body: { ...body, inventory: 0 } });
  });

  it("with null where the schema allows it", async () => {
    const response = await sendJson(server.baseUrl, "PATCH", `/products/${PRODUCT_ID}`, { description: null });
    expect(response.status).toBe(200);
    expect(server.lastInput("updateProduct")).toMatchObject({ body: { description: null } });
  });

  it("with the charset parameter of the Content-Type ignored", async () => {
    const response = await sendRaw(
      server.baseUrl,
      "PATCH",
      `/carts/${CART_ID}/items/${ITEM_ID}`,
      '{"quantity":3}',
      "application/json; charset=utf-8",
    );
    expect(response.status).toBe(200);
    expect(server.lastInput("updateItem")).toMatchObject({ body: { quantity: 3 } });
  });
});

describe("schema keywords beyond type", () => {
  it.each([
    {
      name: "not (delta 0)",
      method: "POST",
      path: `/products/${PRODUCT_ID}/stock-adjustments`,
      body: { delta: 0, reason: "restock" },
      pointer: "/body/delta",
      code: "not",
    },
    {
      name: "enum",
      method: "POST",
      path: `/products/${PRODUCT_ID}/stock-adjustments`,
      body: { delta: 1, reason: "theft" },
      pointer: "/body/reason",
      code: "enum",
    },
    { name: "minProperties", method: "PATCH", path: `/products/${PRODUCT_ID}`, body: {}, pointer: "/body", code: "minProperties" },
    {
      name: "maximum",
      method: "PATCH",
      path: `/carts/${CART_ID}/items/${ITEM_ID}`,
      body: { quantity: 1000 },
      pointer: "/body/quantity",
      code: "maximum",
    },
  ])("$name", async ({ method, path, body, pointer, code }) => {
    const response = await sendJson(server.baseUrl, method, path, body);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer, detail: expect.any(String), code }]);
  });
});
