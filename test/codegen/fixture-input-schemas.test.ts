import { beforeAll, describe, expect, it } from "vitest";
import { compile2020 } from "./support/ajv.js";
import { type CapabilityRegistry, loadCapabilities } from "./support/load-capabilities.js";
import { fixtureSpec, outDir } from "./support/paths.js";

// Each fixture's schemas, as an agent sees them in a capability's inputSchema
// (flat arguments: parameters and top-level body fields side by side; a body
// that is not a plain object is the one argument `body`; self-contained JSON
// Schema 2020-12), must accept what the spec allows and reject what it does not.
const FIXTURES = [
  "nullable-30",
  "null-type-31",
  "composition",
  "enums",
  "recursive",
  "path-parameters",
  "content-types",
  "multi-file",
] as const;
type Fixture = (typeof FIXTURES)[number];

const registries = {} as Record<Fixture, CapabilityRegistry>;

beforeAll(async () => {
  for (const fixture of FIXTURES) {
    const spec = fixtureSpec(fixture === "multi-file" ? "multi-file/openapi.yaml" : `${fixture}.yaml`);
    registries[fixture] = await loadCapabilities(outDir("fixture-input-schemas", fixture), { specPath: spec });
  }
});

const card = { kind: "card", card_number: "4242" };
const tree = { name: "root", children: [{ name: "a", children: [{ name: "a1", children: [] }] }] };
const book = { title: "Dune", author: { name: "Frank Herbert", born: 1920 } };

type Row = [Fixture, string, string, unknown, boolean];

const ROWS: Row[] = [
  ["nullable-30", "createMeasurement", "a null note", { value: 1, note: null }, true],
  ["nullable-30", "createMeasurement", "a null enum value", { value: 1, note: "n", unit: null }, true],
  ["nullable-30", "createMeasurement", "value 0 (exclusiveMinimum: true)", { value: 0, note: null }, false],
  ["nullable-30", "createMeasurement", "value 100 (exclusiveMaximum: false)", { value: 100, note: null }, true],
  ["nullable-30", "createMeasurement", "no note (nullable is not optional)", { value: 1 }, false],
  ["null-type-31", "putNote", "a null body field", { note_id: 1, title: "t", body: null }, true],
  ["null-type-31", "putNote", "a null rating", { note_id: 1, title: "t", body: "b", rating: null }, true],
  ["null-type-31", "putNote", "rating 0", { note_id: 1, title: "t", body: "b", rating: 0 }, false],
  ["null-type-31", "putNote", "note_id 0 (exclusiveMinimum: 0)", { note_id: 0, title: "t", body: null }, false],
  ["composition", "createPayment", "allOf: base and extension fields", { body: { amount: 100, currency: "EUR", method: card } }, true],
  [
    "composition",
    "createPayment",
    "anyOf: a numeric reference",
    { body: { amount: 1, currency: "EUR", method: card, reference: 7 } },
    true,
  ],
  [
    "composition",
    "createPayment",
    "anyOf: a boolean reference",
    { body: { amount: 1, currency: "EUR", method: card, reference: true } },
    false,
  ],
  [
    "composition",
    "createPayment",
    "oneOf: a bank method",
    { body: { amount: 1, currency: "EUR", method: { kind: "bank", iban: "DE00" } } },
    true,
  ],
  [
    "composition",
    "createPayment",
    "oneOf: fields of both methods",
    { body: { amount: 1, currency: "EUR", method: { ...card, iban: "DE00" } } },
    false,
  ],
  ["composition", "createPayment", "allOf: an unknown field", { body: { amount: 1, currency: "EUR", method: card, tip: 5 } }, false],
  ["composition", "createPayment", "allOf: a missing base field", { body: { currency: "EUR", method: card } }, false],
  ["enums", "listShipments", "known enum values", { status: "delivered", priority: 2 }, true],
  ["enums", "listShipments", "an unknown status", { status: "lost" }, false],
  ["enums", "createShipment", "an enum value with a space", { carrier: "la poste" }, true],
  ["enums", "createShipment", "an unknown carrier", { carrier: "fedex" }, false],
  ["enums", "createShipment", "an unknown argument", { carrier: "la poste", colour: "red" }, false],
  ["recursive", "replaceCategoryTree", "a nested tree", tree, true],
  ["recursive", "replaceCategoryTree", "a deep child without a name", { name: "r", children: [{ children: [] }] }, false],
  [
    "recursive",
    "replaceCategoryTree",
    "an unknown field deep down",
    { name: "r", children: [{ name: "a", children: [], colour: "red" }] },
    false,
  ],
  ["path-parameters", "getItem", "path-level parameters", { store_id: "s", item_id: 3, verbose: true, "X-Request-Id": "r" }, true],
  ["path-parameters", "getItem", "a missing path-level path parameter", { store_id: "s" }, false],
  ["path-parameters", "deleteItem", "the overriding parameter's enum", { store_id: "s", item_id: 3, verbose: "yes" }, true],
  ["path-parameters", "deleteItem", "the path-level type of an overridden parameter", { store_id: "s", item_id: 3, verbose: true }, false],
  ["path-parameters", "deleteItem", "an overridden parameter made required, missing", { store_id: "s", item_id: 3 }, false],
  ["content-types", "postMessage", "a message", { text: "hi", priority: 1 }, true],
  ["content-types", "postMessage", "an empty text", { text: "" }, false],
  ["multi-file", "createBook", "a book with its author from another file", book, true],
  ["multi-file", "createBook", "an author without a name", { title: "Dune", author: {} }, false],
  ["multi-file", "listBooks", "a limit within bounds (parameter from another file)", { limit: 10 }, true],
  ["multi-file", "listBooks", "a limit out of bounds", { limit: 1000 }, false],
];

describe("capability input schemas of the fixtures", () => {
  it.each(ROWS)("%s %s: %s → valid: %s", (fixture, capability, _, input, expected) => {
    const definition = registries[fixture].capabilities[capability];
    expect(definition, `${fixture} has no capability ${capability}`).toBeDefined();
    const validate = compile2020(definition!.inputSchema);
    expect(validate(input), JSON.stringify(validate.errors)).toBe(expected);
  });
});
