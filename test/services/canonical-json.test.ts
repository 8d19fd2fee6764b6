import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash } from "../../src/services/canonical-json.js";

describe("canonicalJson", () => {
  it.each([
    { given: { b: 1, a: 2 }, want: '{"a":2,"b":1}' },
    { given: { z: [{ d: 1, c: { f: 1, e: 2 } }], a: null }, want: '{"a":null,"z":[{"c":{"e":2,"f":1},"d":1}]}' },
    { given: [3, 1, 2], want: "[3,1,2]" },
    { given: "text", want: '"text"' },
    { given: undefined, want: "null" },
  ])("$want", ({ given, want }) => {
    expect(canonicalJson(given)).toBe(want);
  });
});

describe("requestHash", () => {
  it("ignores key order but not values or the operation", () => {
    const base = requestHash("placeOrder", { body: { cart_id: "a", x: 1 } });
    expect(requestHash("placeOrder", { body: { x: 1, cart_id: "a" } })).toBe(base);
    expect(requestHash("placeOrder", { body: { cart_id: "b", x: 1 } })).not.toBe(base);
    expect(requestHash("adminCreateProduct", { body: { cart_id: "a", x: 1 } })).not.toBe(base);
  });
});
