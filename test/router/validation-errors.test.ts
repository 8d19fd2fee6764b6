/*
 * A 400 names every invalid field of the request by JSON pointer, across
 * params, query, headers and body, including missing and unknown fields
 * (requests.yaml).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { expectProblem, pointersOf, sendJson } from "./support/http.js";
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

describe("the validation problem", () => {
  it("is problem+json with status, code, detail and field errors", async () => {
    const response = await fetch(`${server.baseUrl}/carts?limit=101`);
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
    await sendJson(server.baseUrl, "POST", `/carts/${CART_ID}/items`, { product_id: PRODUCT_ID });
    expect(server.calls.length).toBe(before);
  });
});

describe("every invalid field is listed", () => {
  it.each([
    {
      name: "params and body together, with a missing and an unknown field",
      method: "POST",
      path: "/carts/not-a-uuid/items",
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
      path: "/carts/x/items/y",
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
      path: "/orders",
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
      path: "/products",
      body: { sku: "S", name: "", price: { amount: 0, currency: "eur", cents: 1 } },
      headers: {} as Record<string, string>,
      want: [
        { pointer: "/body/price/amount", code: "minimum" },
        { pointer: "/body/price/currency", code: "pattern" },
        { pointer: "/body/price/cents", code: "additionalProperties" },
        { pointer: "/body/name", code: "minLength" },
      ],
    },
    {
      name: "every missing required field by name",
      method: "POST",
      path: "/products",
      body: {},
      headers: {} as Record<string, string>,
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
    const response = await sendJson(server.baseUrl, "PATCH", `/carts/${CART_ID}/items/${ITEM_ID}`, { quantity: 1, "a/b~c": 1 });
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(pointersOf(problem)).toEqual(["/body/a~1b~0c"]);
  });
});
