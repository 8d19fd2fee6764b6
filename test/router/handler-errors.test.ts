/*
 * Errors thrown by handlers: HttpProblem becomes its problem+json response;
 * anything else becomes a 500 internal_error that leaks nothing and is
 * reported to onError (responses.yaml: getOutcome fails as its path says).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RequestContext, RouterOptions } from "../../codegen/templates/runtime.js";
import { catalogHandlers } from "./support/catalog.js";
import { type FixtureOperationId, type GeneratedRoutes, type Handler, loadFixture } from "./support/generated-router.js";
import { expectProblem } from "./support/http.js";
import { startServer, type TestServer } from "./support/server.js";

type Id = FixtureOperationId<"responses">;

const SECRET = "password=hunter2 at db.internal:5432";
const onError = vi.fn();
let routes: GeneratedRoutes<Id>;
let server: TestServer<Id>;

/** getOutcome's handler: throws what `outcome` names, synchronously or as a rejection. */
function failing(): Handler<RequestContext> {
  const { HttpProblem } = routes;
  const outcomes: Record<string, () => Promise<never>> = {
    problem: () => {
      throw new HttpProblem(409, "cart_not_open", "Cart is not open", "This cart has already been turned into an order.");
    },
    "problem-with-errors": async () => {
      throw new HttpProblem(409, "refund_exceeds_remaining", "Refund exceeds the remaining amount", undefined, [
        { pointer: "/body/amount/amount", detail: "must be <= 1500" },
      ]);
    },
    "problem-with-headers": () => {
      throw new HttpProblem(409, "idempotency_request_in_progress", "Request in progress", undefined, undefined, { "Retry-After": "1" });
    },
    error: () => {
      throw new Error(SECRET);
    },
    rejection: async () => {
      throw new TypeError(SECRET);
    },
    string: () => {
      throw SECRET;
    },
  };
  return ({ params }) => {
    const outcome = outcomes[String(params.outcome)];
    if (!outcome) throw new Error(`no outcome ${String(params.outcome)}`);
    return outcome();
  };
}

function serve(options: RouterOptions<RequestContext>): Promise<TestServer<Id>> {
  return startServer(routes, options, { ...catalogHandlers(), getOutcome: failing() });
}

beforeAll(async () => {
  ({ routes } = await loadFixture("responses"));
  server = await serve({ context: routes.defaultContext, onError });
});
afterAll(() => server.close());
beforeEach(() => onError.mockClear());

describe("a handler throwing HttpProblem", () => {
  it("answers with its status, code, title and detail", async () => {
    const response = await fetch(`${server.baseUrl}/outcomes/problem`);
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
    const response = await fetch(`${server.baseUrl}/outcomes/problem-with-errors`);
    const problem = await expectProblem(response, 409, "refund_exceeds_remaining");
    expect(problem.errors).toEqual([{ pointer: "/body/amount/amount", detail: "must be <= 1500" }]);
  });

  it("carries its headers", async () => {
    const response = await fetch(`${server.baseUrl}/outcomes/problem-with-headers`);
    await expectProblem(response, 409, "idempotency_request_in_progress");
    expect(response.headers.get("retry-after")).toBe("1");
  });
});

describe("a handler throwing anything else", () => {
  it.each([
    { name: "an Error", path: "/outcomes/error" },
    { name: "a rejected promise", path: "/outcomes/rejection" },
    { name: "a string", path: "/outcomes/string" },
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
    const quiet = await serve({ context: routes.defaultContext });
    try {
      const response = await fetch(`${quiet.baseUrl}/outcomes/error`);
      const text = await response.clone().text();
      await expectProblem(response, 500, "internal_error");
      expect(text).not.toContain("hunter2");
    } finally {
      await quiet.close();
    }
  });

  it("is still a problem+json 500 that leaks nothing when onError itself throws", async () => {
    const failingLogger = await serve({
      context: routes.defaultContext,
      onError: () => {
        throw new Error("logger down");
      },
    });
    try {
      const response = await fetch(`${failingLogger.baseUrl}/outcomes/error`);
      const text = await response.clone().text();
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("logger down");
      await expectProblem(response, 500, "internal_error");
    } finally {
      await failingLogger.close();
    }
  });
});
