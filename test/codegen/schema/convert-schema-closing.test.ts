import { describe, expect, it } from "vitest";
import type { SpecSchema } from "../../../codegen/model/operation-model.js";
import { convertSchema } from "../../../codegen/schema/convert-schema.js";
import { testContext } from "./convert-context.js";

const name = { type: "string" };

describe("convertSchema: closing objects with unevaluatedProperties: false", () => {
  it.each<[string, object, object]>([
    [
      "an object listing properties",
      { type: "object", properties: { name } },
      { type: "object", properties: { name }, unevaluatedProperties: false },
    ],
    ["an untyped schema listing properties", { properties: { name } }, { properties: { name }, unevaluatedProperties: false }],
    [
      "a nullable object (3.1)",
      { type: ["object", "null"], properties: { name } },
      { type: ["object", "null"], properties: { name }, unevaluatedProperties: false },
    ],
    [
      "nested objects, in properties and items",
      { type: "object", properties: { tags: { type: "array", items: { type: "object", properties: { name } } } } },
      {
        type: "object",
        properties: { tags: { type: "array", items: { type: "object", properties: { name }, unevaluatedProperties: false } } },
        unevaluatedProperties: false,
      },
    ],
    [
      "the composing schema of an allOf, whose members stay open",
      { allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", properties: { name } }] },
      { allOf: [{ $ref: "#/$defs/Base" }, { type: "object", properties: { name } }], unevaluatedProperties: false },
    ],
    [
      "the schema holding a oneOf of components",
      { oneOf: [{ $ref: "#/components/schemas/Card" }, { $ref: "#/components/schemas/Bank" }] },
      { oneOf: [{ $ref: "#/$defs/Card" }, { $ref: "#/$defs/Bank" }], unevaluatedProperties: false },
    ],
  ])("closes %s", (_, given, want) => {
    expect(convertSchema(given as SpecSchema, testContext())).toEqual(want);
  });

  it.each<[string, object]>([
    ["additionalProperties: true", { type: "object", properties: { name }, additionalProperties: true }],
    ["additionalProperties: false", { type: "object", properties: { name }, additionalProperties: false }],
    ["a map (additionalProperties schema)", { type: "object", additionalProperties: { type: "string" } }],
    ["patternProperties", { type: "object", properties: { name }, patternProperties: { "^x_": { type: "string" } } }],
    ["an explicit unevaluatedProperties", { type: "object", properties: { name }, unevaluatedProperties: { type: "string" } }],
    ["a free-form object", { type: "object" }],
    ["a non-object", { type: "string", minLength: 1 }],
  ])("leaves %s as it is", (_, given) => {
    expect(convertSchema(given as SpecSchema, testContext())).toEqual(given);
  });

  it("closes an open component where it is used on its own, not where it is an allOf member", () => {
    const context = testContext({ openComponents: new Set(["Base"]) });
    expect(convertSchema({ $ref: "#/components/schemas/Base" }, context)).toEqual({ $ref: "#/$defs/Base", unevaluatedProperties: false });
    expect(convertSchema({ allOf: [{ $ref: "#/components/schemas/Base" }] } as SpecSchema, context)).toEqual({
      allOf: [{ $ref: "#/$defs/Base" }],
      unevaluatedProperties: false,
    });
  });

  it("does not close a component that is not open (it closes itself)", () => {
    expect(convertSchema({ $ref: "#/components/schemas/Pet" }, testContext())).toEqual({ $ref: "#/$defs/Pet" });
  });

  // Like allOf members, these subschemas apply to the same instance as their
  // parent: closing them would reject the parent's own properties (or, under
  // `not`, accept what the spec forbids).
  it.each<[string, object]>([
    [
      "if/then/else",
      {
        type: "object",
        properties: { kind: name },
        if: { properties: { kind: { const: "card" } } },
        // biome-ignore lint/suspicious/noThenProperty: a JSON Schema `then`, not a thenable.
        then: { properties: { number: name } },
        else: { properties: { iban: name } },
      },
    ],
    ["not", { type: "object", properties: { a: name, b: name }, not: { properties: { a: { const: "x" } }, required: ["a"] } }],
  ])("leaves in-place subschemas of %s open", (_, given) => {
    const converted = convertSchema(given as SpecSchema, testContext()) as Record<string, unknown>;
    expect(converted.unevaluatedProperties).toBe(false);
    expect({ ...converted, unevaluatedProperties: undefined }).toEqual({ ...given, unevaluatedProperties: undefined });
  });

  // Ajv 8.20 drops the `properties` annotations when a dependentSchemas entry does not apply, so a closed
  // holder would reject its own declared properties: the converter leaves such a schema open entirely.
  it("leaves a schema with dependentSchemas open, subschemas included", () => {
    const given = {
      type: "object",
      properties: { card: name, billing: name },
      dependentSchemas: { card: { properties: { billing: name }, required: ["billing"] } },
    };
    expect(convertSchema(given as SpecSchema, testContext())).toEqual(given);
  });
});
