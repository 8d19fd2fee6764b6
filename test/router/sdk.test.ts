/*
 * The generated SDK against the generated router over real HTTP: data,
 * problems in `error`, and middleware that sees and changes every request
 * (requests.yaml). The commerce client's types are checked in
 * test/sdk/commerce-client-types.test.ts.
 */
import type { Request } from "express";
import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OperationMeta } from "../../codegen/templates/runtime.js";
import { type CreateFixtureClient, type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { startServer, type TestServer } from "./support/server.js";

const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";
const ITEM_ID = "6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
const PRODUCT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

/** What the server's context factory saw of each request. */
const authorizations: (string | undefined)[] = [];

function recordAuthorization(req: Request, _res: unknown, operation: OperationMeta) {
  authorizations.push(req.headers.authorization);
  return { operationId: operation.operationId };
}

let createClient: CreateFixtureClient;
let server: TestServer<FixtureOperationId<"requests">>;
beforeAll(async () => {
  const fixture = await loadFixture("requests");
  createClient = await fixture.clientFactory();
  const { HttpProblem } = fixture.routes;
  server = await startServer(
    fixture.routes,
    { context: recordAuthorization },
    {
      updateItem: () => {
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

describe("the generated client", () => {
  it("GETs with a query and returns the data", async () => {
    const client = createClient({ baseUrl: server.baseUrl });
    const { data, error, response } = await client.GET("/carts", { params: { query: { limit: 5 } } });
    expect(response.status).toBe(200);
    expect(error).toBeUndefined();
    expect(data).toEqual({ params: {}, query: { limit: 5 }, headers: {} });
    expect(server.lastInput("listCarts")).toEqual({ params: {}, query: { limit: 5 }, headers: {}, body: undefined });
  });

  it("sends path parameters and a JSON body, and gets the echo back", async () => {
    const client = createClient({ baseUrl: server.baseUrl });
    const { data } = await client.POST("/carts/{cart_id}/items", {
      params: { path: { cart_id: CART_ID } },
      body: { product_id: PRODUCT_ID, quantity: 3 },
    });
    expect(data).toEqual({ params: { cart_id: CART_ID }, query: {}, headers: {}, body: { product_id: PRODUCT_ID, quantity: 3 } });
  });

  it("sends header parameters and receives a 201", async () => {
    const client = createClient({ baseUrl: server.baseUrl });
    const { data, response } = await client.POST("/orders", {
      params: { header: { "Idempotency-Key": "order-key-1" } },
      body: { cart_id: CART_ID },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ body: { cart_id: CART_ID } });
    expect(server.lastInput("placeOrder")).toMatchObject({ headers: { "Idempotency-Key": "order-key-1" } });
  });

  it("returns a validation problem in error", async () => {
    const client = createClient({ baseUrl: server.baseUrl });
    const { data, error, response } = await client.GET("/carts", { params: { query: { limit: 0 } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ status: 400, code: "validation_failed", errors: [expect.objectContaining({ pointer: "/query/limit" })] });
  });

  it("returns a handler's HttpProblem in error", async () => {
    const client = createClient({ baseUrl: server.baseUrl });
    const { data, error } = await client.PATCH("/carts/{cart_id}/items/{item_id}", {
      params: { path: { cart_id: CART_ID, item_id: ITEM_ID } },
      body: { quantity: 2 },
    });
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ status: 409, code: "cart_not_open" });
  });

  it("uses an injected fetch", async () => {
    const urls: string[] = [];
    const client = createClient({
      baseUrl: server.baseUrl,
      fetch: (request) => {
        urls.push(request.url);
        return globalThis.fetch(request);
      },
    });
    const { data } = await client.GET("/carts/{cart_id}", { params: { path: { cart_id: CART_ID } } });
    expect(data).toEqual({ params: { cart_id: CART_ID }, query: {}, headers: {} });
    expect(urls).toEqual([`${server.baseUrl}/carts/${CART_ID}`]);
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
    const client = createClient({ baseUrl: server.baseUrl, middleware: [signer] });

    await client.GET("/carts");
    await client.POST("/carts", { body: { currency: "EUR" } });

    expect(seen).toEqual(["GET /carts", "POST /carts"]);
    expect(authorizations).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(server.calls.map((call) => call.context)).toEqual([{ operationId: "listCarts" }, { operationId: "createCart" }]);
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
    const client = createClient({ baseUrl: server.baseUrl, middleware: [first, second] });
    await client.GET("/carts/{cart_id}", { params: { path: { cart_id: CART_ID } } });
    expect(order).toEqual(["first", "second saw Bearer first", "response 200"]);
    expect(authorizations).toEqual(["Bearer second"]);
  });
});
