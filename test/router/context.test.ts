/*
 * The context factory runs first, before any input check, so its 401/403
 * wins over input errors; what it returns is the handler's context
 * (requests.yaml).
 */
import type { Request } from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OperationMeta, RequestContext } from "../../codegen/templates/runtime.js";
import { type FixtureOperationId, type GeneratedRoutes, loadFixture } from "./support/generated-router.js";
import { expectProblem, sendJson, sendRaw } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";
const PRODUCT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

/** Operations a "reader" key may not call. */
const WRITE_PRODUCT_OPERATIONS = new Set(["createProduct", "updateProduct", "adjustStock"]);

interface AuthContext {
  caller: string;
  operationId: string;
}

const onError = vi.fn();
const seen: OperationMeta[] = [];

let routes: GeneratedRoutes<FixtureOperationId<"requests">>;
let server: TestServer<FixtureOperationId<"requests">>;
beforeAll(async () => {
  ({ routes } = await loadFixture("requests"));
  const { HttpProblem } = routes;
  async function authenticate(req: Request, _res: unknown, operation: OperationMeta): Promise<AuthContext> {
    seen.push(operation);
    await Promise.resolve();
    const key = req.headers["x-api-key"];
    if (typeof key !== "string") throw new HttpProblem(401, "unauthenticated", "Authentication required");
    if (key === "crash") throw new Error("context store unreachable: secret-dsn");
    if (key === "reader" && WRITE_PRODUCT_OPERATIONS.has(operation.operationId))
      throw new HttpProblem(403, "insufficient_scope", "Insufficient role");
    return { caller: key, operationId: operation.operationId };
  }
  server = await startServer<FixtureOperationId<"requests">, AuthContext>(routes, { context: authenticate, onError });
});
afterAll(() => server.close());
beforeEach(() => {
  onError.mockClear();
  seen.length = 0;
  server.calls.length = 0;
});

const itemPath = `/carts/${CART_ID}/items`;

describe("the context factory", () => {
  it("gets the operation and its result is the handler's context", async () => {
    const response = await sendJson(server.baseUrl, "POST", itemPath, { product_id: PRODUCT_ID, quantity: 1 }, { "x-api-key": "shop-1" });
    expect(response.status).toBe(200);
    expect(seen).toEqual([expect.objectContaining({ operationId: "addItem", method: "post", path: "/carts/{cart_id}/items" })]);
    expect(server.calls).toEqual([
      { operationId: "addItem", input: expect.anything(), context: { caller: "shop-1", operationId: "addItem" } },
    ]);
  });

  it("throwing anything but HttpProblem is a 500 reported to onError", async () => {
    const response = await fetch(`${server.baseUrl}/carts`, { headers: { "x-api-key": "crash" } });
    const text = await response.clone().text();
    await expectProblem(response, 500, "internal_error");
    expect(text).not.toContain("secret-dsn");
    expect(onError).toHaveBeenCalledTimes(1);
    expect(server.calls).toEqual([]);
  });
});

describe("a 401 from the context wins over", () => {
  it.each([
    { name: "an invalid body", send: () => sendJson(server.baseUrl, "POST", itemPath, { quantity: "5", extra: 1 }) },
    {
      name: "an invalid path parameter",
      send: () => sendJson(server.baseUrl, "POST", "/carts/nope/items", { product_id: PRODUCT_ID, quantity: 1 }),
    },
    { name: "an invalid query", send: () => fetch(`${server.baseUrl}/carts?limit=abc`) },
    { name: "a missing header parameter", send: () => sendJson(server.baseUrl, "POST", "/orders", { cart_id: CART_ID }) },
    { name: "a missing body", send: () => sendRaw(server.baseUrl, "POST", itemPath, "", "application/json") },
    { name: "the wrong Content-Type", send: () => sendRaw(server.baseUrl, "POST", itemPath, "{}", "text/plain") },
    { name: "a malformed JSON body", send: () => sendRaw(server.baseUrl, "POST", itemPath, '{"quantity":', "application/json") },
  ])("$name", async ({ send }) => {
    const response = await send();
    const problem = await expectProblem(response, 401, "unauthenticated");
    expect(problem.errors).toBeUndefined();
    expect(server.calls).toEqual([]);
  });
});

it("a 403 from the context wins over an invalid body", async () => {
  const response = await sendJson(server.baseUrl, "PATCH", `/products/${PRODUCT_ID}`, {}, { "x-api-key": "reader" });
  await expectProblem(response, 403, "insufficient_scope");
  expect(server.calls).toEqual([]);
});

describe("defaultContext", () => {
  it("gives the handler the request, response and operation", async () => {
    const plain = await startServer<FixtureOperationId<"requests">, RequestContext>(routes, { context: routes.defaultContext });
    try {
      const response = await fetch(`${plain.baseUrl}/carts/${CART_ID}?trace=1`);
      expect(response.status).toBe(200);
      const context = plain.calls[0]?.context as RequestContext;
      expect(context.operation.operationId).toBe("getCart");
      expect(context.req.params).toEqual({ cart_id: CART_ID });
      expect(context.req.query).toEqual({ trace: "1" });
      expect(typeof context.res.setHeader).toBe("function");
    } finally {
      await plain.close();
    }
  });
});
