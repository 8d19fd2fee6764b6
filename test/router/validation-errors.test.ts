/*
 * A 400 names every invalid field of the request by JSON pointer, across
 * params, query, headers and body, including missing and unknown fields.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultContext } from "../../generated/routes.js";
import { CART_ID, ITEM_ID, ORDER_ID, PRODUCT_ID } from "./support/handlers.js";
import { expectProblem, pointersOf, sendJson } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ context: defaultContext });
});
afterAll(() => server.close());

describe("the validation problem", () => {
  it("is problem+json with status, code, detail and field errors", async () => {
    const response = await fetch(`${server.baseUrl}/v1/products?limit=101`);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem).toEqual({
      type: "/problems/validation_failed",
      title: expect.any(String),
      status: 400,
      code: "validation_failed",
      detail: expect.any(String),
      errors: [{ pointer: "/query/limit", detail: expect.any(String), code: "maximum" }],
      error: "validation_failed",
      message: expect.any(String),
    });
  });

  it("does not call the handler", async () => {
    const before = server.calls.length;
    await sendJson(server.baseUrl, "POST", `/v1/carts/${CART_ID}/items`, { product_id: PRODUCT_ID });
    expect(server.calls.length).toBe(before);
  });
});

describe("every invalid field is listed", () => {
  it.each([
    {
      name: "params and body together, with a missing and an unknown field",
      method: "POST",
      path: "/v1/carts/not-a-uuid/items",
      body: { quantity: 0, colour: "blue" },
      headers: {} as Record<string, string>,
      want: [
        { pointer: "/path/cart_id", code: "format" },
        { pointer: "/body/product_id", code: "required" },
        { pointer: "/body/quantity", code: "minimum" },
        { pointer: "/body/colour", code: "additionalProperties" },
      ],
    },
    {
      name: "both path parameters",
      method: "PATCH",
      path: "/v1/carts/x/items/y",
      body: { quantity: 1 },
      headers: {} as Record<string, string>,
      want: [
        { pointer: "/path/cart_id", code: "format" },
        { pointer: "/path/item_id", code: "format" },
      ],
    },
    {
      name: "a missing header and body fields",
      method: "POST",
      path: "/v1/orders",
      body: { cart_id: "nope", extra: true },
      headers: {} as Record<string, string>,
      want: [
        { pointer: "/header/idempotency-key", code: "required" },
        { pointer: "/body/cart_id", code: "format" },
        { pointer: "/body/extra", code: "additionalProperties" },
      ],
    },
    {
      name: "nested body fields",
      method: "POST",
      path: `/v1/admin/orders/${ORDER_ID}/refunds`,
      body: { amount: { amount: 0, currency: "eur", cents: 1 }, reason: "" },
      headers: { "idempotency-key": "k" },
      want: [
        { pointer: "/body/amount/amount", code: "minimum" },
        { pointer: "/body/amount/currency", code: "pattern" },
        { pointer: "/body/amount/cents", code: "additionalProperties" },
        { pointer: "/body/reason", code: "minLength" },
      ],
    },
    {
      name: "every missing required field by name",
      method: "POST",
      path: "/v1/admin/products",
      body: {},
      headers: { "idempotency-key": "k" },
      want: [
        { pointer: "/body/sku", code: "required" },
        { pointer: "/body/name", code: "required" },
        { pointer: "/body/price", code: "required" },
      ],
    },
  ])("$name", async ({ method, path, body, headers, want }) => {
    const response = await sendJson(server.baseUrl, method, path, body, headers);
    const problem = await expectProblem(response, 400, "validation_failed");
    const got = (problem.errors ?? []).map(({ pointer, code }) => ({ pointer, code }));
    expect(got).toEqual(expect.arrayContaining(want));
    expect(pointersOf(problem)).toEqual(want.map((item) => item.pointer).sort());
    for (const error of problem.errors ?? []) expect(error.detail).toEqual(expect.any(String));
  });

  it("names an unknown field whose name needs JSON-pointer escaping", async () => {
    const response = await sendJson(server.baseUrl, "PATCH", `/v1/carts/${CART_ID}/items/${ITEM_ID}`, { quantity: 1, "a/b~c": 1 });
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(pointersOf(problem)).toEqual(["/body/a~1b~0c"]);
  });
});
