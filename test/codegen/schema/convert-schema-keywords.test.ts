import { describe, expect, it } from "vitest";
import type { SpecSchema } from "../../../codegen/model/operation-model.js";
import { convertSchema } from "../../../codegen/schema/convert-schema.js";
import { testContext } from "./convert-context.js";

describe("convertSchema: OpenAPI-only keywords and extensions", () => {
  it.each<[string, object, object]>([
    ["x- extensions", { type: "string", "x-internal": true, "x-order": 3 }, { type: "string" }],
    [
      "OpenAPI-only and documentation keywords",
      {
        type: "string",
        example: "a",
        xml: { name: "n" },
        externalDocs: { url: "https://example.org" },
        discriminator: { propertyName: "k" },
      },
      { type: "string" },
    ],
    [
      "extensions in nested schemas",
      { type: "array", items: { type: "string", "x-foo": 1 } },
      { type: "array", items: { type: "string" } },
    ],
    [
      "a property named like an extension is kept",
      { type: "object", required: ["x-request-id"], properties: { "x-request-id": { type: "string" } }, additionalProperties: false },
      { type: "object", required: ["x-request-id"], properties: { "x-request-id": { type: "string" } }, additionalProperties: false },
    ],
    [
      "enum values that look like extensions are kept",
      { type: "string", enum: ["x-ray", "nullable"] },
      { type: "string", enum: ["x-ray", "nullable"] },
    ],
    [
      "2020-12 annotations stay",
      { type: "string", description: "d", default: "a", examples: ["a"] },
      { type: "string", description: "d", default: "a", examples: ["a"] },
    ],
  ])("drops %s", (_, given, want) => {
    expect(convertSchema(given as SpecSchema, testContext())).toEqual(want);
  });

  it("reports each format it meets", () => {
    const context = testContext();
    convertSchema(
      {
        type: "object",
        properties: { id: { type: "string", format: "uuid" }, at: { type: "integer", format: "unix-time" } },
      } as SpecSchema,
      context,
    );
    expect(context.formats.sort()).toEqual(["unix-time", "uuid"]);
  });
});

describe("convertSchema: $ref re-pointing", () => {
  it.each<[string, string, object, object, string[]]>([
    ["a component", "#/$defs/", { $ref: "#/components/schemas/Pet" }, { $ref: "#/$defs/Pet" }, ["Pet"]],
    ["into another schema", "components#/$defs/", { $ref: "#/components/schemas/Pet" }, { $ref: "components#/$defs/Pet" }, ["Pet"]],
    [
      "a path inside a component",
      "#/$defs/",
      { $ref: "#/components/schemas/Pet/properties/name" },
      { $ref: "#/$defs/Pet/properties/name" },
      ["Pet"],
    ],
    ["an escaped component name", "#/$defs/", { $ref: "#/components/schemas/a~1b" }, { $ref: "#/$defs/a~1b" }, ["a/b"]],
    [
      "refs nested in properties, items and oneOf",
      "#/$defs/",
      { type: "array", items: { oneOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }] } },
      { type: "array", items: { oneOf: [{ $ref: "#/$defs/A" }, { $ref: "#/$defs/B" }], unevaluatedProperties: false } },
      ["A", "B"],
    ],
    [
      "not a component: left alone",
      "#/$defs/",
      { $ref: "https://example.org/schema.json" },
      { $ref: "https://example.org/schema.json" },
      [],
    ],
    [
      "3.1 siblings of $ref are kept",
      "#/$defs/",
      { $ref: "#/components/schemas/Pet", description: "The pet." },
      { $ref: "#/$defs/Pet", description: "The pet." },
      ["Pet"],
    ],
  ])("%s", (_, refPrefix, given, want, refs) => {
    const context = testContext({ refPrefix });
    expect(convertSchema(given as SpecSchema, context)).toEqual(want);
    expect(context.refs).toEqual(refs);
  });
});

describe("convertSchema: readOnly properties in requests", () => {
  it.each<[string, object, object]>([
    [
      "a readOnly property is not required",
      {
        type: "object",
        required: ["id", "name"],
        properties: { id: { type: "string", readOnly: true }, name: { type: "string" } },
        additionalProperties: false,
      },
      {
        type: "object",
        required: ["name"],
        properties: { id: { type: "string", readOnly: true }, name: { type: "string" } },
        additionalProperties: false,
      },
    ],
    [
      "no required list is left when all were readOnly",
      { type: "object", required: ["id"], properties: { id: { type: "string", readOnly: true } }, additionalProperties: false },
      { type: "object", properties: { id: { type: "string", readOnly: true } }, additionalProperties: false },
    ],
    [
      "writeOnly properties stay required",
      {
        type: "object",
        required: ["password"],
        properties: { password: { type: "string", writeOnly: true } },
        additionalProperties: false,
      },
      {
        type: "object",
        required: ["password"],
        properties: { password: { type: "string", writeOnly: true } },
        additionalProperties: false,
      },
    ],
  ])("%s", (_, given, want) => {
    expect(convertSchema(given as SpecSchema, testContext())).toEqual(want);
  });
});
