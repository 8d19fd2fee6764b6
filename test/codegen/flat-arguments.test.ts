import { beforeAll, describe, expect, it } from "vitest";
import { compile2020 } from "./support/ajv.js";
import { type CapabilityRegistry, loadCapabilities } from "./support/load-capabilities.js";
import { fixtureSpec, outDir } from "./support/paths.js";

// Flat capability arguments (test/fixtures/specs/flat-arguments.yaml): parameters and the
// top-level fields of a plain object body side by side; any other body, or one with a field
// named like a parameter, is the single argument `body` (`_body` when a parameter is `body`).
let registry: CapabilityRegistry;

beforeAll(async () => {
  registry = await loadCapabilities(outDir("flat-arguments"), { specPath: fixtureSpec("flat-arguments.yaml") });
});

function capability(name: string) {
  const definition = registry.capabilities[name];
  expect(definition, `no capability ${name}`).toBeDefined();
  return definition!;
}

describe("how each body is carried", () => {
  it.each([
    [
      "addItem",
      "a plain object body: its fields, beside path, header and query parameters",
      { mode: "flat", fields: ["product_id", "quantity"], required: true },
      ["cart_id", "Idempotency-Key", "dry_run", "product_id", "quantity"],
    ],
    ["replaceNote", "a body field named like a parameter (id): wrapped", { mode: "wrapped", argument: "body" }, ["id", "body"]],
    ["setTags", "an array body: wrapped", { mode: "wrapped", argument: "body" }, ["body"]],
    ["search", "a oneOf body beside a parameter named body: wrapped as _body", { mode: "wrapped", argument: "_body" }, ["body", "_body"]],
    ["patchSettings", "an open map body: wrapped", { mode: "wrapped", argument: "body" }, ["body"]],
    [
      "sendFeedback",
      "an optional plain object body: flat, not required",
      { mode: "flat", fields: ["rating", "comment"], required: false },
      ["rating", "comment"],
    ],
  ])("%s: %s", (name, _, body, argumentNames) => {
    const definition = capability(name);
    expect(definition.body).toEqual(body);
    expect(Object.keys(definition.inputSchema.properties as object)).toEqual(argumentNames);
    expect(definition.inputSchema.additionalProperties).toBe(false);
  });

  it("lists required parameters, then the required fields of a required body", () => {
    expect(capability("addItem").inputSchema.required).toEqual(["cart_id", "Idempotency-Key", "product_id", "quantity"]);
    expect(capability("replaceNote").inputSchema.required).toEqual(["id", "body"]);
    // An optional body's required fields are required only once the body is sent: the router checks them.
    expect(capability("sendFeedback").inputSchema.required).toBeUndefined();
  });

  it("keeps the parameter list execute maps back with, header names spelled as in the contract", () => {
    expect(capability("addItem").parameters).toEqual([
      { name: "cart_id", in: "path" },
      { name: "Idempotency-Key", in: "header" },
      { name: "dry_run", in: "query" },
    ]);
  });

  it("keeps in $defs the components the fields reach, not the flattened body's own", () => {
    expect(Object.keys(capability("addItem").inputSchema.$defs as object)).toEqual(["Quantity"]);
    expect(Object.keys(capability("search").inputSchema.$defs as object)).toEqual(["ByName", "BySku"]);
  });
});

type Row = [string, string, unknown, boolean];

const ROWS: Row[] = [
  ["addItem", "flat arguments", { cart_id: "c", "Idempotency-Key": "k", product_id: "p", quantity: 2 }, true],
  [
    "addItem",
    "a quantity out of the referenced component's bounds",
    { cart_id: "c", "Idempotency-Key": "k", product_id: "p", quantity: 0 },
    false,
  ],
  ["addItem", "no Idempotency-Key", { cart_id: "c", product_id: "p", quantity: 2 }, false],
  ["addItem", "an unknown argument", { cart_id: "c", "Idempotency-Key": "k", product_id: "p", quantity: 2, gift: true }, false],
  [
    "addItem",
    "the old { params, body } shape",
    { params: { cart_id: "c", "Idempotency-Key": "k" }, body: { product_id: "p", quantity: 2 } },
    false,
  ],
  ["replaceNote", "the path id beside the wrapped body's own id", { id: "n1", body: { id: "n1", text: "t" } }, true],
  ["replaceNote", "the body's fields at the top level", { id: "n1", text: "t" }, false],
  ["setTags", "an array under body", { body: ["a", "b"] }, true],
  ["setTags", "a string under body", { body: "a" }, false],
  ["search", "the query parameter body and the wrapped _body", { body: "q", _body: { name: "mug" } }, true],
  ["search", "a _body matching neither branch", { _body: { colour: "red" } }, false],
  ["patchSettings", "a map under body", { body: { theme: "dark" } }, true],
  ["sendFeedback", "no body at all", {}, true],
  ["sendFeedback", "a rating", { rating: 5, comment: "fine" }, true],
];

describe("the flat input schemas validate as the contract does", () => {
  it.each(ROWS)("%s: %s → valid: %s", (name, _, input, expected) => {
    const validate = compile2020(capability(name).inputSchema);
    expect(validate(input), JSON.stringify(validate.errors)).toBe(expected);
  });
});
