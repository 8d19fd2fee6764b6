import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { SpecSchema } from "../../../codegen/model/operation-model.js";
import { convertSchema } from "../../../codegen/schema/convert-schema.js";
import { testContext } from "./convert-context.js";

interface Case {
  readonly name: string;
  readonly version: "3.0" | "3.1";
  readonly schema: object;
  /** Component schemas the schema refers to, in OpenAPI dialect. */
  readonly components?: Record<string, object>;
  /** Components used as allOf members (see findOpenComponents). */
  readonly open?: string[];
  readonly accept: readonly unknown[];
  readonly reject: readonly unknown[];
}

const str = { type: "string" };

// Whatever the conversion does, a request the spec allows must still pass and
// one the spec forbids must still fail (closing only adds "no unknown fields").
const CASES: readonly Case[] = [
  {
    name: "3.0 nullable and exclusive bounds",
    version: "3.0",
    schema: {
      type: "object",
      properties: { note: { type: "string", nullable: true }, value: { type: "number", minimum: 0, exclusiveMinimum: true } },
    },
    accept: [{ note: null, value: 0.5 }, { note: "n" }],
    reject: [{ value: 0 }, { note: 1 }, { note: null, extra: 1 }],
  },
  {
    name: "allOf of an open base and an extension",
    version: "3.1",
    schema: { allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", properties: { extra: str } }] },
    components: { Base: { type: "object", required: ["id"], properties: { id: str } } },
    open: ["Base"],
    accept: [{ id: "1" }, { id: "1", extra: "e" }],
    reject: [{ extra: "e" }, { id: "1", unknown: true }],
  },
  {
    name: "oneOf alternatives next to the parent's own properties",
    version: "3.1",
    schema: {
      type: "object",
      required: ["kind"],
      properties: { kind: str, name: str },
      oneOf: [{ properties: { kind: { const: "a" } } }, { properties: { kind: { const: "b" } } }],
    },
    accept: [{ kind: "a", name: "x" }, { kind: "b" }],
    reject: [{ kind: "c" }, { kind: "a", unknown: 1 }],
  },
  {
    name: "if/then/else on a discriminating property",
    version: "3.1",
    schema: {
      type: "object",
      required: ["kind"],
      properties: { kind: str, number: str, iban: str },
      if: { properties: { kind: { const: "card" } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema `then`, not a thenable.
      then: { required: ["number"] },
      else: { required: ["iban"] },
    },
    accept: [
      { kind: "card", number: "4242" },
      { kind: "bank", iban: "DE00" },
    ],
    reject: [
      { kind: "card", iban: "DE00" },
      { kind: "bank", number: "4242" },
    ],
  },
  {
    name: "not forbidding a value",
    version: "3.1",
    schema: { type: "object", properties: { a: str, b: str }, not: { properties: { a: { const: "x" } }, required: ["a"] } },
    accept: [{ a: "y", b: "z" }],
    reject: [{ a: "x", b: "z" }, { a: "x" }],
  },
  {
    name: "dependentSchemas requiring a sibling",
    version: "3.1",
    schema: {
      type: "object",
      properties: { card: str, billing: str },
      dependentSchemas: { card: { properties: { billing: str }, required: ["billing"] } },
    },
    accept: [{ card: "4242", billing: "Paris" }, { billing: "Paris" }],
    reject: [{ card: "4242" }],
  },
];

function compileConverted(testCase: Case) {
  const context = testContext({ openapiVersion: testCase.version, openComponents: new Set(testCase.open ?? []) });
  const $defs: Record<string, unknown> = {};
  // As the caller must: an open component's own definition is not closed.
  for (const [name, component] of Object.entries(testCase.components ?? {})) {
    $defs[name] = convertSchema(component as SpecSchema, context, !context.openComponents.has(name));
  }
  const converted = convertSchema(testCase.schema as SpecSchema, context) as Record<string, unknown>;
  return new Ajv2020({ allErrors: true, strict: false }).compile({ ...converted, $defs });
}

describe("convertSchema keeps what a spec accepts and rejects", () => {
  it.each(CASES)("$name", (testCase) => {
    const validate = compileConverted(testCase);
    for (const instance of testCase.accept)
      expect(validate(instance), `accept ${JSON.stringify(instance)}: ${JSON.stringify(validate.errors)}`).toBe(true);
    for (const instance of testCase.reject) expect(validate(instance), `reject ${JSON.stringify(instance)}`).toBe(false);
  });
});
