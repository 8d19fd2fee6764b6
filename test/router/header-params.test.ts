/*
 * Declared header parameters reach the handler under their declared name,
 * whatever case the client sent, and are validated like other parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultContext } from "../../generated/routes.js";
import { CART_ID, ORDER_ID } from "./support/handlers.js";
import { expectProblem, sendJson } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ context: defaultContext });
});
afterAll(() => server.close());

describe("Idempotency-Key", () => {
  it.each([
    { name: "canonical case", header: "Idempotency-Key" },
    { name: "lower case", header: "idempotency-key" },
    { name: "upper case", header: "IDEMPOTENCY-KEY" },
  ])("reaches the handler as headers['Idempotency-Key'] when sent in $name", async ({ header }) => {
    const response = await sendJson(server.baseUrl, "POST", "/v1/orders", { cart_id: CART_ID }, { [header]: "key-1" });
    expect(response.status).toBe(201);
    expect(server.lastInput("placeOrder")).toEqual({ params: {}, query: {}, headers: { "Idempotency-Key": "key-1" }, body: { cart_id: CART_ID } });
  });

  it("is the only header the handler sees", async () => {
    const response = await sendJson(server.baseUrl, "POST", "/v1/orders", { cart_id: CART_ID }, { "idempotency-key": "key-2", "x-other": "1" });
    expect(response.status).toBe(201);
    expect(Object.keys((server.lastInput("placeOrder") as { headers: object }).headers)).toEqual(["Idempotency-Key"]);
  });

  it("accepts 255 characters", async () => {
    const key = "k".repeat(255);
    const response = await sendJson(server.baseUrl, "POST", "/v1/admin/products", { sku: "A", name: "A", price: { amount: 1, currency: "EUR" } }, { "idempotency-key": key });
    expect(response.status).toBe(201);
    expect(server.lastInput("adminCreateProduct")).toMatchObject({ headers: { "Idempotency-Key": key } });
  });

  it.each([
    { name: "missing", headers: {} as Record<string, string>, code: "required" },
    { name: "empty", headers: { "idempotency-key": "" }, code: "minLength" },
    { name: "256 characters", headers: { "idempotency-key": "k".repeat(256) }, code: "maxLength" },
  ])("$name is a 400 naming the header", async ({ headers, code }) => {
    const before = server.calls.length;
    const path = `/v1/admin/orders/${ORDER_ID}/refunds`;
    const response = await sendJson(server.baseUrl, "POST", path, { amount: { amount: 100, currency: "EUR" } }, headers);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual([{ pointer: "/header/idempotency-key", detail: expect.any(String), code }]);
    expect(server.calls.length).toBe(before);
  });
});
