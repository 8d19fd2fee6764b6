/*
 * Declared header parameters reach the handler under their declared name,
 * whatever case the client sent, and are validated like other parameters
 * (params.yaml: placeOrder's required Idempotency-Key, 1–255 characters).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureOperationId, loadFixture } from "./support/generated-router.js";
import { expectProblem, sendJson } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";

let server: TestServer<FixtureOperationId<"params">>;
beforeAll(async () => {
  const { routes } = await loadFixture("params");
  server = await startServer(routes, { context: routes.defaultContext });
});
afterAll(() => server.close());

describe("Idempotency-Key", () => {
  it.each([
    { name: "canonical case", header: "Idempotency-Key" },
    { name: "lower case", header: "idempotency-key" },
    { name: "upper case", header: "IDEMPOTENCY-KEY" },
  ])("reaches the handler as headers['Idempotency-Key'] when sent in $name", async ({ header }) => {
    const response = await sendJson(server.baseUrl, "POST", "/orders", { cart_id: CART_ID }, { [header]: "key-1" });
    expect(response.status).toBe(201);
    expect(server.lastInput("placeOrder")).toEqual({
      params: {},
      query: {},
      headers: { "Idempotency-Key": "key-1" },
      body: { cart_id: CART_ID },
    });
  });

  it("is the only header the handler sees", async () => {
    const response = await sendJson(
      server.baseUrl,
      "POST",
      "/orders",
      { cart_id: CART_ID },
      { "idempotency-key": "key-2", "x-other": "1" },
    );
    expect(response.status).toBe(201);
    expect(Object.keys(server.lastInput("placeOrder").headers)).toEqual(["Idempotency-Key"]);
  });

  it("accepts 255 characters", async () => {
    const key = "k".repeat(255);
    const response = await sendJson(server.baseUrl, "POST", "/orders", { cart_id: CART_ID }, { "idempotency-key": key });
    expect(response.status).toBe(201);
    expect(server.lastInput("placeOrder")).toMatchObject({ headers: { "Idempotency-Key": key } });
  });

  it.each([
    { name: "missing", headers: {} as Record<string, string>, code: "required" },
    { name: "empty", headers: { "idempotency-key": "" }, code: "minLength" },
    { name: "256 characters", headers: { "idempotency-key": "k".repeat(256) }, code: "maxLength" },
  ])("$name is a 400 naming the header", async ({ headers, code }) => {
    const before = server.calls.length;
    const response = await sendJson(server.baseUrl, "POST", "/orders", { cart_id: CART_ID }, headers);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/header/idempotency-key", detail: expect.any(String), code }]);
    expect(server.calls.length).toBe(before);
  });
});
