import { describe, expect, it } from "vitest";
import { fallbackUnlessDatabaseDown, isConnectionError } from "../../src/db/connection-errors.js";
import { reconnectDelay } from "../../src/db/notifications.js";

/** Errors shaped like the ones `pg`, Node and the wrappers above them throw (the real ones are met in server-outage.test.ts). */
function withCode(code: string, message = "boom"): Error {
  return Object.assign(new Error(message), { code });
}

describe("isConnectionError", () => {
  it.each([
    ["a refused connect", withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["a reset socket", withCode("ECONNRESET")],
    ["admin_shutdown (pg_ctl stop -m fast)", withCode("57P01", "terminating connection due to administrator command")],
    ["cannot_connect_now (starting up)", withCode("57P03", "the database system is starting up")],
    ["a class 08 SQLSTATE", withCode("08006")],
    ["a dropped connection", new Error("Connection terminated unexpectedly")],
    ["the pool's connect timeout", new Error("timeout exceeded when trying to connect")],
    ["a connect timeout", new Error("Connection terminated due to connection timeout")],
    ["a wrapped cause", new Error("query failed", { cause: withCode("ECONNREFUSED") })],
    ["a dual-stack refusal", Object.assign(new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")]), { code: undefined })],
  ])("recognises %s", (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    ["a unique violation", withCode("23505", "duplicate key value violates unique constraint")],
    ["a syntax error", withCode("42601")],
    ["a serialization failure", withCode("40001")],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["a string", "Connection terminated"],
    ["null", null],
  ])("leaves %s alone", (_name, error) => {
    expect(isConnectionError(error)).toBe(false);
  });

  it("does not loop on a cause cycle", () => {
    const error = new Error("a") as Error & { cause?: unknown };
    error.cause = error;
    expect(isConnectionError(error)).toBe(false);
  });
});

describe("fallbackUnlessDatabaseDown", () => {
  it("rethrows an outage and turns anything else into the fallback", () => {
    const orNull = fallbackUnlessDatabaseDown(null);
    expect(orNull(new Error("invalid key"))).toBeNull();
    const outage = withCode("ECONNREFUSED");
    expect(() => orNull(outage)).toThrow(outage);
  });
});

describe("reconnectDelay", () => {
  it("doubles from the first step, stays within 50–100% of it, and is capped", () => {
    const backoff = { firstMs: 250, maxMs: 10_000 };
    expect(reconnectDelay(0, backoff, () => 0)).toBe(125);
    expect(reconnectDelay(0, backoff, () => 1)).toBe(250);
    expect(reconnectDelay(3, backoff, () => 1)).toBe(2_000);
    expect(reconnectDelay(10, backoff, () => 1)).toBe(10_000);
    expect(reconnectDelay(1_000, backoff, () => 0)).toBe(5_000);
  });
});
