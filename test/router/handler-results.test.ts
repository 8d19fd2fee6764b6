/*
 * What a handler returns — `{ status, body, headers }` — is what the client
 * gets, with the Content-Type the contract declares for that status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultContext, withProtocolFields } from "../../generated/routes.js";
import { cart, CART_ID, PRODUCT_ID, product } from "./support/handlers.js";
import { expectProblem, sendJson } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer(
    { context: defaultContext },
    {
      createCart: ({ body }) => ({
        status: 201,
        body: cart({ currency: body.currency }),
        headers: { Location: `/v1/carts/${CART_ID}`, "X-Request-Id": "req-1" },
      }),
      getProduct: ({ params }) => ({
        status: 404,
        body: withProtocolFields({ type: "/problems/product_not_found", title: "Product not found", status: 404, code: "product_not_found", instance: `/v1/products/${params.product_id}` }),
      }),
    },
  );
});
afterAll(() => server.close());

describe("a handler result", () => {
  it("arrives with its status, JSON body and headers (201)", async () => {
    const response = await sendJson(server.baseUrl, "POST", "/v1/carts", { currency: "USD" });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toMatch(/^application\/json(;|$)/);
    expect(response.headers.get("location")).toBe(`/v1/carts/${CART_ID}`);
    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(await response.json()).toEqual(cart({ currency: "USD" }));
  });

  it("arrives as the echo handler built it (200)", async () => {
    const response = await fetch(`${server.baseUrl}/v1/products`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [product()], next_cursor: null });
  });

  it("that is an error status is sent as the declared application/problem+json", async () => {
    const response = await fetch(`${server.baseUrl}/v1/products/${PRODUCT_ID}`);
    const problem = await expectProblem(response, 404, "product_not_found");
    expect(problem.instance).toBe(`/v1/products/${PRODUCT_ID}`);
    expect(problem).toMatchObject({ error: "product_not_found", message: "Product not found" });
  });
});
