/*
 * ProblemCode's x-enumDescriptions feed the /problems/{code} pages: the
 * generator reads each as "<statuses>: <meaning> What to do: <action>" and
 * refuses a contract that leaves a code out, describes a code it does not
 * have, or breaks the form.
 */
import { describe, expect, it } from "vitest";
import type { SpecError } from "../../codegen/errors.js";
import { readProblemCodeDocs } from "../../codegen/model/problem-codes.js";

const read = (descriptions: unknown, codes = ["cart_empty", "not_found"]) => {
  const errors: SpecError[] = [];
  const docs = readProblemCodeDocs({ ProblemCode: { type: "string", enum: codes, "x-enumDescriptions": descriptions } }, codes, errors);
  return { docs, errors: errors.map((error) => error.format()) };
};

describe("x-enumDescriptions of ProblemCode", () => {
  it("splits statuses, meaning and advice", () => {
    const { docs, errors } = read({
      cart_empty: "409: The cart has no items. What to do: Add items.",
      not_found: "404, 400: No such route. What to do: Check the path.",
    });
    expect(errors).toEqual([]);
    expect(docs).toEqual({
      cart_empty: { statuses: [409], meaning: "The cart has no items.", action: "Add items." },
      not_found: { statuses: [400, 404], meaning: "No such route.", action: "Check the path." },
    });
  });

  it("refuses a missing code, an unknown code, a broken form and a status that is no error", () => {
    const { errors } = read(
      { cart_empty: "The cart has no items.", typo_code: "400: x What to do: y", not_found: "200: x What to do: y" },
      ["cart_empty", "not_found", "bad_request"],
    );
    expect(errors.join("\n")).toMatch(/"typo_code", which is not in the enum/);
    expect(errors.join("\n")).toMatch(/"cart_empty" must read/);
    expect(errors.join("\n")).toMatch(/statuses of "not_found" must be 4xx or 5xx, got 200/);
    expect(errors.join("\n")).toMatch(/missing: bad_request/);
  });

  it("is optional: a contract without it gets no pages data", () => {
    expect(read(undefined).docs).toBeUndefined();
  });
});
