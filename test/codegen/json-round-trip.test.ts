import { describe, expect, it } from "vitest";
import { survivesJsonRoundTrip } from "../../codegen/emit/json-round-trip.js";

describe("survivesJsonRoundTrip", () => {
  it("accepts what JSON gives back unchanged", () => {
    const document = {
      openapi: "3.1.0",
      paths: { "/a": { get: { responses: { 200: { description: "ok \ud800" } } } } },
      n: [1, 0.5, -2, null, true],
    };
    expect(survivesJsonRoundTrip(document)).toBe(true);
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it.each([
    ["undefined", { a: undefined }],
    ["-0", { minimum: -0 }],
    ["Infinity", { maximum: Number.POSITIVE_INFINITY }],
    ["NaN", [Number.NaN]],
    ["a hole", new Array(2)],
    ["a Date", { example: new Date(0) }],
    ["a function", { f: () => 1 }],
  ])("refuses %s", (_, value) => {
    expect(survivesJsonRoundTrip(value)).toBe(false);
  });
});
