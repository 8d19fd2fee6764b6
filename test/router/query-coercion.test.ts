/*
 * Query and path parameters arrive as strings; the router coerces them to the
 * declared types, fills defaults and rejects what does not fit (params.yaml).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { expectProblem } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

const THING_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

let server: TestServer<FixtureOperationId<"params">>;
beforeAll(async () => {
  const { routes } = await loadFixture("params");
  server = await startServer(routes, { context: routes.defaultContext });
});
afterAll(() => server.close());

// The same limit declared inline and through components.parameters.
const listOperations = [
  { operationId: "listThings", path: "/things" },
  { operationId: "listOrders", path: "/orders" },
] as const;

describe.each(listOperations)("$operationId limit", ({ operationId, path }) => {
  it.each([
    { query: "?limit=5", want: 5 },
    { query: "?limit=1", want: 1 },
    { query: "?limit=100", want: 100 },
    { query: "", want: 20 },
    { query: "?cursor=abc", want: 20 },
  ])("GET $query gives the handler limit $want as a number", async ({ query, want }) => {
    const response = await fetch(`${server.baseUrl}${path}${query}`);
    expect(response.status).toBe(200);
    const input = server.lastInput(operationId);
    expect(input.query.limit).toBe(want);
    expect(typeof input.query.limit).toBe("number");
  });

  it.each([
    { query: "?limit=0", code: "minimum" },
    { query: "?limit=-1", code: "minimum" },
    { query: "?limit=101", code: "maximum" },
    { query: "?limit=abc", code: "type" },
    { query: "?limit=5.5", code: "type" },
    { query: "?limit=", code: "type" },
    { query: "?limit=5&limit=6", code: "type" },
  ])("GET $query is a 400 naming /query/limit ($code)", async ({ query, code }) => {
    const before = server.calls.length;
    const response = await fetch(`${server.baseUrl}${path}${query}`);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/query/limit", detail: expect.any(String), code }]);
    expect(server.calls.length).toBe(before);
  });
});

describe("other query parameters", () => {
  it("passes strings through unchanged and keeps the default beside them", async () => {
    const response = await fetch(`${server.baseUrl}/things?q=mug&currency=EUR&cursor=c1`);
    expect(response.status).toBe(200);
    expect(server.lastInput("listThings")).toEqual({
      params: {},
      query: { q: "mug", currency: "EUR", cursor: "c1", limit: 20 },
      headers: {},
      body: undefined,
    });
  });

  it.each([
    { query: "?currency=eur", pointer: "/query/currency", code: "pattern" },
    { query: "?q=", pointer: "/query/q", code: "minLength" },
    { query: `?cursor=${"x".repeat(513)}`, pointer: "/query/cursor", code: "maxLength" },
  ])("GET /things$query is a 400 at $pointer", async ({ query, pointer, code }) => {
    const response = await fetch(`${server.baseUrl}/things${query}`);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer, detail: expect.any(String), code }]);
  });

  it("checks an enum query parameter", async () => {
    const ok = await fetch(`${server.baseUrl}/orders?status=refunded`);
    expect(ok.status).toBe(200);
    expect(server.lastInput("listOrders")).toMatchObject({ query: { status: "refunded", limit: 20 } });

    const bad = await fetch(`${server.baseUrl}/orders?status=shipped`);
    const problem = await expectProblem(bad, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/query/status", detail: expect.any(String), code: "enum" }]);
  });
});

describe("path parameters", () => {
  it("gives the handler the path parameter", async () => {
    const response = await fetch(`${server.baseUrl}/things/${THING_ID}`);
    expect(response.status).toBe(200);
    expect(server.lastInput("getThing")).toEqual({ params: { thing_id: THING_ID }, query: {}, headers: {}, body: undefined });
  });

  it("rejects a path parameter that is not a UUID with a pointer under /params", async () => {
    const response = await fetch(`${server.baseUrl}/things/not-a-uuid`);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/path/thing_id", detail: expect.any(String), code: "format" }]);
  });
});
