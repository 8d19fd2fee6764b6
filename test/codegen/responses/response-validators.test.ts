/*
 * The response validator emitter (validators/responses.js) and the check
 * that reads it (response-validation.ts), on response-bodies.yaml: each row
 * is a response an operation gives, and whether the contract allows it.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type {
  DeclaredResponses,
  ResponseValidation,
  ResponseValidatorTable,
  ResponseViolation,
} from "../../../generated/response-validation.js";
import { fixtureSpec, outDir } from "../support/paths.js";
import { generateInto } from "../support/write-generated.js";

type FindViolation = (
  validation: ResponseValidation,
  operation: DeclaredResponses,
  status: number,
  contentType: string | undefined,
  body: unknown,
) => ResponseViolation | undefined;

const dir = outDir("response-validators");
let validators: ResponseValidatorTable;
let operationMeta: Record<string, DeclaredResponses>;
let findViolation: FindViolation;
let declarations: string;

beforeAll(async () => {
  await generateInto(dir, { specPath: fixtureSpec("response-bodies.yaml") });
  ({ responseValidators: validators } = (await import(pathToFileURL(path.join(dir, "validators/responses.js")).href)) as {
    responseValidators: ResponseValidatorTable;
  });
  ({ operationMeta } = (await import(pathToFileURL(path.join(dir, "routes.ts")).href)) as {
    operationMeta: Record<string, DeclaredResponses>;
  });
  ({ findViolation } = (await import(pathToFileURL(path.join(dir, "response-validation.ts")).href)) as { findViolation: FindViolation });
  declarations = await readFile(path.join(dir, "validators/responses.d.ts"), "utf8");
});

const widget = { id: "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10", name: "Sprocket", note: null };
const problem = (status: number) => ({ type: "/problems/x", title: "X", status, code: "widget_busy" });

/** [operationId, status, content type sent (undefined: the router's choice), body, the problem reported (undefined: none)] */
type Row = [string, number, string | undefined, unknown, string | undefined];

const ROWS: Row[] = [
  ["getWidget", 200, undefined, widget, undefined],
  ["getWidget", 200, undefined, { ...widget, colour: "blue" }, undefined],
  ["getWidget", 200, undefined, { ...widget, note: "fragile" }, undefined],
  ["getWidget", 200, undefined, { ...widget, colour: "green" }, "/body/colour must be equal to one of the allowed values"],
  ["getWidget", 200, undefined, { id: widget.id, name: "Sprocket" }, "/body/note is required"],
  ["getWidget", 200, undefined, { ...widget, weight: 3 }, "/body/weight is not in the contract"],
  ["getWidget", 200, undefined, { ...widget, id: "not-a-uuid" }, '/body/id must match format "uuid"'],
  ["getWidget", 200, undefined, undefined, "status 200 declares a body (application/json), but none was sent"],
  ["getWidget", 404, "application/problem+json", problem(404), undefined],
  ["getWidget", 404, "application/problem+json", { ...problem(404), code: "Not Found" }, "/body/code must match pattern"],
  ["getWidget", 404, "application/json", problem(404), "sent application/json; status 404 declares application/problem+json"],
  ["getWidget", 429, "application/problem+json", problem(429), undefined],
  ["getWidget", 503, "application/problem+json", problem(503), undefined],
  ["getWidget", 503, "application/problem+json", { title: "X" }, "/body/type is required"],
  ["deleteWidget", 204, undefined, undefined, undefined],
  ["deleteWidget", 204, undefined, { deleted: true }, "status 204 declares no body, but one was sent"],
  ["deleteWidget", 409, "application/problem+json", problem(409), undefined],
  ["deleteWidget", 404, "application/problem+json", problem(404), "status 404 is not declared (declared: 204, 409)"],
  ["deleteWidget", 200, undefined, undefined, "status 200 is not declared"],
  // text/plain bodies are not compiled: only the status and presence are checked.
  ["getWidgetLabel", 200, undefined, "a label longer than three", undefined],
  ["listGadgets", 200, undefined, { data: [{ ...widget, watts: 5 }] }, undefined],
  ["listGadgets", 200, undefined, { data: [{ ...widget }] }, "/body/data/0/watts is required"],
  ["listGadgets", 200, undefined, { data: [{ ...widget, watts: 5, hue: 1 }] }, "/body/data/0/hue is not in the contract"],
];

describe("response validators of response-bodies.yaml", () => {
  it.each(ROWS)("%s %s (%s): %j → %s", (operationId, status, contentType, body, expected) => {
    const reported: ResponseViolation[] = [];
    const violation = findViolation(
      { validators, onViolation: (item) => reported.push(item) },
      operationMeta[operationId]!,
      status,
      contentType,
      body,
    );
    if (expected === undefined) {
      expect(violation?.problems).toBeUndefined();
      return;
    }
    expect(violation).toMatchObject({ operationId, status, problems: expect.arrayContaining([expect.stringContaining(expected)]) });
  });

  it("emits one validator per distinct schema, named after a referenced component, keyed by operation, status and media type", () => {
    expect(Object.keys(validators)).toEqual(["getWidget", "deleteWidget", "listGadgets"]);
    expect(Object.keys(validators.getWidget!)).toEqual(["200", "404", "4XX", "default"]);
    expect(validators.getWidget!["404"]!["application/problem+json"]).toBe(validators.deleteWidget!["409"]!["application/problem+json"]);
    // Widget is extended by allOf, so where it is used whole it is closed there: not a bare $ref, named after its response.
    expect(declarations).toContain("export declare const getWidget_200: BodyValidator;");
    expect(declarations).toContain("export declare const Problem: BodyValidator;");
    expect(declarations).toContain("export declare const listGadgets_200: BodyValidator;");
    expect(declarations).toContain("export declare const responseValidators: ResponseValidatorTable;");
  });

  it("checks without changing the body: no defaults filled in, no coercion", () => {
    const body = { ...widget };
    expect(validators.getWidget!["200"]!["application/json"]!(body)).toBe(true);
    expect(body).toEqual(widget);
    expect(validators.getWidget!["200"]!["application/json"]!({ ...widget, name: 5 })).toBe(false);
  });
});
