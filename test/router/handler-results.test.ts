/*
 * What a handler returns — `{ status, body, headers }` — is what the client
 * gets, with the Content-Type the contract declares for that status
 * (responses.yaml).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CART_ID, cart, catalogHandlers, PRODUCT_ID, product } from "./support/catalog.js";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { expectProblem, sendJson } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer<FixtureOperationId<"responses">>;
beforeAll(async () => {
  const { routes } = await loadFixture("responses");
  server = await startServer(
    routes,
    { context: routes.defaultContext },
    {
      ...catalogHandlers(),
      createCart: ({ body }) => ({
        status: 201,
        body: cart({ currency: (body as { currency: string }).currency }),
        headers: { Location: `/carts/${CART_ID}`, "X-Request-Id": "req-1" },
      }),
      getProduct: ({ params }) => ({
        status: 404,
        body: routes.withProtocolFields({
          type: "/problems/product_not_found",
          title: "Product not found",
          status: 404,
          code: "product_not_found",
          instance: `/products/${String(params.product_id)}`,
        }),
      }),
    },
  );
});
afterAll(() => server.close());

describe("a handler result", () => {
  it("arrives with its status, JSON body and headers (201)", async () => {
    const response = await sendJson(server.baseUrl, "POST", "/carts", { currency: "USD" });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toMatch(/^application\/json(;|$)/);
    expect(response.headers.get("location")).toBe(`/carts/${CART_ID}`);
    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(await response.json()).toEqual(cart({ currency: "USD" }));
  });

  it("arrives as the handler built it (200)", async () => {
    const response = await fetch(`${server.baseUrl}/products`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [product()], next_cursor: null });
  });

  it("that is an error status is sent as the declared application/problem+json", async () => {
    const response = await fetch(`${server.baseUrl}/products/${PRODUCT_ID}`);
    const problem = await expectProblem(response, 404, "product_not_found");
    expect(problem.instance).toBe(`/products/${PRODUCT_ID}`);
    expect(problem).toMatchObject({ error: "product_not_found", message: "Product not found" });
  });
});
