/*
 * Errors thrown by handlers: HttpProblem becomes its problem+json response;
 * anything else becomes a 500 internal_error that leaks nothing and is
 * reported to onError.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultContext, HttpProblem } from "../../generated/routes.js";
import { CART_ID, ORDER_ID, PRODUCT_ID } from "./support/handlers.js";
import { expectProblem, sendJson } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

const SECRET = "password=hunter2 at db.internal:5432";
const onError = vi.fn();
let server: TestServer;

beforeAll(async () => {
  server = await startServer(
    { context: defaultContext, onError },
    {
      addCartItem: () => {
        throw new HttpProblem(409, "cart_not_open", "Cart is not open", "This cart has already been turned into an order.");
      },
      adminRefundOrder: async () => {
        throw new HttpProblem(409, "refund_exceeds_remaining", "Refund exceeds the remaining amount", undefined, [
          { pointer: "/body/amount/amount", detail: "must be <= 1500" },
        ]);
      },
      placeOrder: () => {
        throw new HttpProblem(409, "idempotency_request_in_progress", "Request in progress", undefined, undefined, { "Retry-After": "1" });
      },
      getCart: () => {
        throw new Error(SECRET);
      },
      getOrder: async () => {
        throw new TypeError(SECRET);
      },
      listOrders: () => {
        throw SECRET;
      },
    },
  );
});
afterAll(() => server.close());
beforeEach(() => onError.mockClear());

describe("a handler throwing HttpProblem", () => {
  it("answers with its status, code, title and detail", async () => {
    const response = await sendJson(server.baseUrl, "POST", `/v1/carts/${CART_ID}/items`, { product_id: PRODUCT_ID, quantity: 1 });
    const problem = await expectProblem(response, 409, "cart_not_open");
    expect(problem).toEqual({
      type: "/problems/cart_not_open",
      title: "Cart is not open",
      status: 409,
      code: "cart_not_open",
      detail: "This cart has already been turned into an order.",
      error: "cart_not_open",
      message: "This cart has already been turned into an order.",
    });
    expect(onError).not.toHaveBeenCalled();
  });

  it("carries its field errors (async handler)", async () => {
    const response = await sendJson(server.baseUrl, "POST", `/v1/admin/orders/${ORDER_ID}/refunds`, { amount: { amount: 2000, currency: "EUR" } }, { "idempotency-key": "k" });
    const problem = await expectProblem(response, 409, "refund_exceeds_remaining");
    expect(problem.errors).toEqual([{ pointer: "/body/amount/amount", detail: "must be <= 1500" }]);
  });

  it("carries its headers", async () => {
    const response = await sendJson(server.baseUrl, "POST", "/v1/orders", { cart_id: CART_ID }, { "idempotency-key": "k" });
    await expectProblem(response, 409, "idempotency_request_in_progress");
    expect(response.headers.get("retry-after")).toBe("1");
  });
});

describe("a handler throwing anything else", () => {
  it.each([
    { name: "an Error", path: `/v1/carts/${CART_ID}` },
    { name: "a rejected promise", path: `/v1/orders/${ORDER_ID}` },
    { name: "a string", path: "/v1/orders" },
  ])("($name) is a 500 internal_error without the message, reported to onError", async ({ path }) => {
    const response = await fetch(`${server.baseUrl}${path}`);
    const text = await response.clone().text();
    const problem = await expectProblem(response, 500, "internal_error");
    expect(problem.errors).toBeUndefined();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("db.internal");
    expect(onError).toHaveBeenCalledTimes(1);
    const [error, req] = onError.mock.calls[0]!;
    expect(error instanceof Error ? error.message : error).toBe(SECRET);
    expect(req).toMatchObject({ method: "GET" });
  });

  it("is still a problem+json 500 without onError", async () => {
    const quiet = await startServer({ context: defaultContext }, {
      getCart: () => {
        throw new Error(SECRET);
      },
    });
    try {
      const response = await fetch(`${quiet.baseUrl}/v1/carts/${CART_ID}`);
      const text = await response.clone().text();
      await expectProblem(response, 500, "internal_error");
      expect(text).not.toContain("hunter2");
    } finally {
      await quiet.close();
    }
  });

  it("is still a problem+json 500 that leaks nothing when onError itself throws", async () => {
    const failing = await startServer(
      {
        context: defaultContext,
        onError: () => {
          throw new Error("logger down");
        },
      },
      {
        getCart: () => {
          throw new Error(SECRET);
        },
      },
    );
    try {
      const response = await fetch(`${failing.baseUrl}/v1/carts/${CART_ID}`);
      const text = await response.clone().text();
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("logger down");
      await expectProblem(response, 500, "internal_error");
    } finally {
      await failing.close();
    }
  });
});
