/*
 * The generated SDK against the generated router over real HTTP: typed data,
 * problems in `error`, and middleware that sees and changes every request.
 */
import type { Request } from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { HttpProblem, type OperationMeta } from "../../generated/routes.js";
import { createCommerceClient, type components, type Middleware } from "../../generated/sdk/index.js";
import { cart, CART_ID, ORDER_ID, PRODUCT_ID } from "./support/handlers.js";
import { startServer, type TestServer } from "./support/server.js";

type Schemas = components["schemas"];

/** What the server's context factory saw of each request. */
const authorizations: (string | undefined)[] = [];

function recordAuthorization(req: Request, _res: unknown, operation: OperationMeta) {
  authorizations.push(req.headers.authorization);
  return { operationId: operation.operationId };
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(
    { context: recordAuthorization },
    {
      removeCartItem: () => {
        throw new HttpProblem(409, "cart_not_open", "Cart is not open");
      },
    },
  );
});
afterAll(() => server.close());
beforeEach(() => {
  authorizations.length = 0;
  server.calls.length = 0;
});

describe("createCommerceClient", () => {
  it("GETs with a typed query and returns typed data", async () => {
    const client = createCommerceClient({ baseUrl: server.baseUrl });
    const { data, error, response } = await client.GET("/v1/products", { params: { query: { limit: 5, q: "mug" } } });
    expectTypeOf(data).toEqualTypeOf<Schemas["ProductList"] | undefined>();
    expect(response.status).toBe(200);
    expect(error).toBeUndefined();
    expect(data?.data[0]?.sku).toBe("MUG-BLUE");
    expect(server.lastInput("listProducts")).toEqual({ params: {}, query: { limit: 5, q: "mug" }, headers: {}, body: undefined });
  });

  it("sends path parameters and a JSON body, and gets the echo back", async () => {
    const client = createCommerceClient({ baseUrl: server.baseUrl });
    const { data } = await client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: CART_ID } },
      body: { product_id: PRODUCT_ID, quantity: 3 },
    });
    expectTypeOf(data).toEqualTypeOf<Schemas["Cart"] | undefined>();
    expect(data?.id).toBe(CART_ID);
    expect(data?.items).toEqual([expect.objectContaining({ product_id: PRODUCT_ID, quantity: 3 })]);
  });

  it("sends header parameters and receives a 201", async () => {
    const client = createCommerceClient({ baseUrl: server.baseUrl });
    const { data, response } = await client.POST("/v1/orders", {
      params: { header: { "Idempotency-Key": "order-key-1" } },
      body: { cart_id: CART_ID },
    });
    expectTypeOf(data).toEqualTypeOf<Schemas["Order"] | undefined>();
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ id: ORDER_ID, cart_id: CART_ID });
    expect(server.lastInput("placeOrder")).toMatchObject({ headers: { "Idempotency-Key": "order-key-1" } });
  });

  it("returns a validation problem in error", async () => {
    const client = createCommerceClient({ baseUrl: server.baseUrl });
    const { data, error, response } = await client.GET("/v1/products", { params: { query: { limit: 0 } } });
    expectTypeOf(error).toEqualTypeOf<Schemas["Problem"] | undefined>();
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ status: 400, code: "validation_failed", errors: [expect.objectContaining({ pointer: "/query/limit" })] });
  });

  it("returns a handler's HttpProblem in error", async () => {
    const client = createCommerceClient({ baseUrl: server.baseUrl });
    const { data, error } = await client.DELETE("/v1/carts/{cart_id}/items/{item_id}", {
      params: { path: { cart_id: CART_ID, item_id: CART_ID } },
    });
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ status: 409, code: "cart_not_open" });
  });

  it("uses an injected fetch", async () => {
    const urls: string[] = [];
    const client = createCommerceClient({
      baseUrl: server.baseUrl,
      fetch: (request) => {
        urls.push(request.url);
        return globalThis.fetch(request);
      },
    });
    const { data } = await client.GET("/v1/carts/{cart_id}", { params: { path: { cart_id: CART_ID } } });
    expect(data).toEqual(cart());
    expect(urls).toEqual([`${server.baseUrl}/v1/carts/${CART_ID}`]);
  });
});

describe("middleware", () => {
  it("sees every request and its changes reach the server's context factory", async () => {
    const seen: string[] = [];
    let counter = 0;
    const signer: Middleware = {
      onRequest({ request, schemaPath }) {
        seen.push(`${request.method} ${schemaPath}`);
        counter += 1;
        request.headers.set("Authorization", `Bearer token-${counter}`);
        return request;
      },
    };
    const client = createCommerceClient({ baseUrl: server.baseUrl, middleware: [signer] });

    await client.GET("/v1/products");
    await client.POST("/v1/carts", { body: { currency: "EUR" } });

    expect(seen).toEqual(["GET /v1/products", "POST /v1/carts"]);
    expect(authorizations).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(server.calls.map((call) => call.context)).toEqual([{ operationId: "listProducts" }, { operationId: "createCart" }]);
  });

  it("runs in order, and onResponse sees the response", async () => {
    const order: string[] = [];
    const first: Middleware = {
      onRequest({ request }) {
        order.push("first");
        request.headers.set("Authorization", "Bearer first");
        return request;
      },
    };
    const second: Middleware = {
      onRequest({ request }) {
        order.push(`second saw ${request.headers.get("Authorization")}`);
        request.headers.set("Authorization", "Bearer second");
        return request;
      },
      onResponse({ response }) {
        order.push(`response ${response.status}`);
      },
    };
    const client = createCommerceClient({ baseUrl: server.baseUrl, middleware: [first, second] });
    await client.GET("/v1/orders/{order_id}", { params: { path: { order_id: ORDER_ID } } });
    expect(order).toEqual(["first", "second saw Bearer first", "response 200"]);
    expect(authorizations).toEqual(["Bearer second"]);
  });
});

describe("types", () => {
  it("reject inputs the contract forbids", () => {
    const client = createCommerceClient({ baseUrl: "http://127.0.0.1:1" });
    // Type-only: these calls are never made.
    const never = () => {
      // @ts-expect-error limit is an integer, not a string
      void client.GET("/v1/products", { params: { query: { limit: "5" } } });
      // @ts-expect-error the body is required
      void client.POST("/v1/carts", {});
      // @ts-expect-error the Idempotency-Key header is required
      void client.POST("/v1/orders", { body: { cart_id: CART_ID } });
      // @ts-expect-error the contract has no such path
      void client.GET("/v1/nope");
    };
    expect(typeof never).toBe("function");
  });
});
