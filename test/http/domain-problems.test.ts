import { describe, expect, it } from "vitest";
import { problemOfDomainError } from "../../src/http/domain-problems.js";
import { problemOfError } from "../../src/http/error-problems.js";
import { budgetExceeded } from "../../src/services/agent-limits/limit-refusals.js";
import { DomainError, domainErrorCodes, invalidField } from "../../src/services/domain-error.js";

describe("a service's DomainError on the wire", () => {
  it.each([
    {
      given: new DomainError("cart_not_found", "No cart c_1 in this store."),
      want: { status: 404, code: "cart_not_found", detail: "No cart c_1 in this store." },
    },
    {
      given: new DomainError("idempotency_key_reused", "First used with another body."),
      want: { status: 422, code: "idempotency_key_reused" },
    },
    {
      given: invalidField("/query/cursor", "is not a cursor", "cursor"),
      want: { status: 400, code: "validation_failed", errors: [{ pointer: "/query/cursor", detail: "is not a cursor", code: "cursor" }] },
    },
    // The budget refusal keeps its `remaining` member (an agent waits for it rather than shrinking the order).
    {
      given: budgetExceeded("Over budget.", { amount: 600, currency: "EUR" }),
      want: { status: 403, code: "budget_exceeded", remaining: { amount: 600, currency: "EUR" } },
    },
  ])("$want.code is answered $want.status", ({ given, want }) => {
    expect(problemOfDomainError(given)?.toJSON()).toMatchObject({ ...want, type: `/problems/${want.code}`, error: want.code });
  });

  it("carries a refusal's retryAfterSeconds as Retry-After, and no header without one", () => {
    const inProgress = new DomainError("idempotency_request_in_progress", "Still running.", { retryAfterSeconds: 2 });
    expect(problemOfDomainError(inProgress)).toMatchObject({ status: 409, headers: { "Retry-After": "2" } });
    expect(problemOfDomainError(new DomainError("cart_empty", "Add items first."))!.headers).toEqual({});
  });

  it("every domain code has a 4xx status, but a scaffolded handler's not_implemented (501)", () => {
    expect(problemOfDomainError(new DomainError("not_implemented", "x"))!.status).toBe(501);
    for (const code of domainErrorCodes.filter((code) => code !== "not_implemented")) {
      const status = problemOfDomainError(new DomainError(code, "x"))!.status;
      expect(status >= 400 && status < 500, `${code} → ${status}`).toBe(true);
    }
  });

  it("leaves other errors to the next classifier (or the 500)", () => {
    expect(problemOfDomainError(new Error("boom"))).toBeUndefined();
    expect(problemOfError(new Error("boom"))).toBeUndefined();
    expect(problemOfError(new DomainError("cart_empty", "Add items first."))?.status).toBe(409);
  });
});
