/*
 * createDispatcher: the router's validation and handlers without HTTP, for
 * callers inside the server (agents' capability/execute).
 */
import { describe, expect, it } from "vitest";
import { createDispatcher, HttpProblem, type Handlers } from "../../generated/routes.js";
import { cart, CART_ID, createEchoHandlers, PRODUCT_ID, type RecordedCall } from "./support/handlers.js";

function dispatcher(overrides: Partial<Handlers<{ caller: string }>> = {}) {
  const calls: RecordedCall[] = [];
  return { calls, operations: createDispatcher<{ caller: string }>({ ...createEchoHandlers<{ caller: string }>(calls), ...overrides }) };
}

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HttpProblem);
  return error as HttpProblem;
}

describe("createDispatcher", () => {
  it("coerces and defaults parameters like the router, then runs the handler with the given context", async () => {
    const seen: unknown[] = [];
    const { operations } = dispatcher({
      listProducts: (input, context) => {
        seen.push(input, context);
        return { status: 200, body: { data: [], next_cursor: null } };
      },
    });
    const result = await operations.dispatch("listProducts", { query: { limit: "5" } }, { caller: "agent:1" });
    expect(result).toEqual({ status: 200, body: { data: [], next_cursor: null } });
    expect(seen[0]).toMatchObject({ query: { limit: 5 } });
    expect(seen[1]).toEqual({ caller: "agent:1" });
  });

  it("reports invalid values with the router's pointers", async () => {
    const { operations, calls } = dispatcher();
    const problem = await problemOf(operations.dispatch("addCartItem", { params: { cart_id: "nope" }, body: { product_id: PRODUCT_ID, quantity: 0, extra: true } }, { caller: "x" }));
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(["/body/extra", "/body/quantity", "/path/cart_id"]);
    expect(calls).toEqual([]);
  });

  it("requires a declared body and refuses one on operations without", async () => {
    const { operations } = dispatcher();
    expect((await problemOf(operations.dispatch("createCart", {}, { caller: "x" }))).errors).toEqual([expect.objectContaining({ pointer: "/body", code: "required" })]);
    expect((await problemOf(operations.dispatch("getCart", { params: { cart_id: CART_ID }, body: {} }, { caller: "x" }))).errors).toEqual([
      expect.objectContaining({ pointer: "/body" }),
    ]);
  });

  it("passes handler results and problems through, and knows its operations", async () => {
    const { operations } = dispatcher({ createCart: ({ body }) => ({ status: 201, body: cart({ currency: body.currency }) }) });
    expect(await operations.dispatch("createCart", { body: { currency: "EUR" } }, { caller: "x" })).toMatchObject({ status: 201, body: { currency: "EUR" } });
    expect(operations.has("createCart")).toBe(true);
    expect(operations.has("deleteEverything")).toBe(false);
    expect((await problemOf(operations.dispatch("deleteEverything", {}, { caller: "x" }))).status).toBe(404);
  });
});
