/*
 * createDispatcher: the router's validation and handlers without HTTP, for
 * callers inside the server (agents' capability/execute) (requests.yaml).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HttpProblem } from "../../codegen/templates/runtime.js";
import { type FixtureOperationId, type GeneratedRoutes, type Handlers, loadFixture } from "./support/generated-router.js";
import { echoHandlers, type RecordedCall, recording } from "./support/server.js";

type Id = FixtureOperationId<"requests">;
interface Caller {
  caller: string;
}

const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";
const PRODUCT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

let routes: GeneratedRoutes<Id>;
beforeAll(async () => {
  ({ routes } = await loadFixture("requests"));
});

function dispatcher(overrides: Partial<Handlers<Id, Caller>> = {}) {
  const calls: RecordedCall<Id>[] = [];
  return { calls, operations: routes.createDispatcher<Caller>(recording({ ...echoHandlers<Id, Caller>(routes), ...overrides }, calls)) };
}

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(routes.HttpProblem);
  return error as HttpProblem;
}

describe("createDispatcher", () => {
  it("coerces and defaults parameters like the router, then runs the handler with the given context", async () => {
    const seen: unknown[] = [];
    const { operations } = dispatcher({
      listCarts: (input, context) => {
        seen.push(input, context);
        return { status: 200, body: { data: [], next_cursor: null } };
      },
    });
    const result = await operations.dispatch("listCarts", { query: { limit: "5" } }, { caller: "agent:1" });
    expect(result).toEqual({ status: 200, body: { data: [], next_cursor: null } });
    expect(seen[0]).toMatchObject({ query: { limit: 5 } });
    expect(seen[1]).toEqual({ caller: "agent:1" });
  });

  it("reports invalid values with the router's pointers", async () => {
    const { operations, calls } = dispatcher();
    const problem = await problemOf(
      operations.dispatch(
        "addItem",
        { params: { cart_id: "nope" }, body: { product_id: PRODUCT_ID, quantity: 0, extra: true } },
        { caller: "x" },
      ),
    );
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(["/body/extra", "/body/quantity", "/path/cart_id"]);
    expect(calls).toEqual([]);
  });

  it("requires a declared body and refuses one on operations without", async () => {
    const { operations } = dispatcher();
    expect((await problemOf(operations.dispatch("createCart", {}, { caller: "x" }))).errors).toEqual([
      expect.objectContaining({ pointer: "/body", code: "required" }),
    ]);
    expect((await problemOf(operations.dispatch("getCart", { params: { cart_id: CART_ID }, body: {} }, { caller: "x" }))).errors).toEqual([
      expect.objectContaining({ pointer: "/body" }),
    ]);
  });

  it("passes handler results and problems through, and knows its operations", async () => {
    const { operations } = dispatcher({
      createCart: ({ body }) => ({ status: 201, body: { id: CART_ID, ...(body as { currency: string }) } }),
    });
    expect(await operations.dispatch("createCart", { body: { currency: "EUR" } }, { caller: "x" })).toMatchObject({
      status: 201,
      body: { currency: "EUR" },
    });
    expect(operations.has("createCart")).toBe(true);
    expect(operations.has("deleteEverything")).toBe(false);
    expect((await problemOf(operations.dispatch("deleteEverything", {}, { caller: "x" }))).status).toBe(404);
  });
});
