import { describe, expect, it } from "vitest";
import type { SpecSchema } from "../../../codegen/model/operation-model.js";
import { convertSchema } from "../../../codegen/schema/convert-schema.js";
import { testContext } from "./convert-context.js";

const v30 = () => testContext({ openapiVersion: "3.0" });
const v31 = () => testContext({ openapiVersion: "3.1" });

describe("convertSchema: OpenAPI 3.0 nullable", () => {
  it.each<[string, object, object]>([
    ["a nullable string", { type: "string", nullable: true }, { type: ["string", "null"] }],
    ["nullable: false", { type: "string", nullable: false }, { type: "string" }],
    [
      "a nullable enum gains null",
      { type: "string", enum: ["a", "b"], nullable: true },
      { type: ["string", "null"], enum: ["a", "b", null] },
    ],
    [
      "an enum already listing null",
      { type: "string", enum: ["a", null], nullable: true },
      { type: ["string", "null"], enum: ["a", null] },
    ],
    ["a nullable integer keeps its bounds", { type: "integer", minimum: 1, nullable: true }, { type: ["integer", "null"], minimum: 1 }],
    [
      "a nullable untyped composition becomes anyOf with null",
      { allOf: [{ $ref: "#/components/schemas/Pet" }], nullable: true },
      { anyOf: [{ allOf: [{ $ref: "#/$defs/Pet" }], unevaluatedProperties: false }, { type: "null" }] },
    ],
    ["siblings of $ref are ignored in 3.0, nullable too", { $ref: "#/components/schemas/Pet", nullable: true }, { $ref: "#/$defs/Pet" }],
  ])("%s", (_, given, want) => {
    expect(convertSchema(given as SpecSchema, v30())).toEqual(want);
  });

  it('leaves 3.1 `type: [string, "null"]` as it is', () => {
    expect(convertSchema({ type: ["string", "null"], maxLength: 3 } as SpecSchema, v31())).toEqual({
      type: ["string", "null"],
      maxLength: 3,
    });
  });

  it("drops `nullable` in 3.1, where it means nothing", () => {
    expect(convertSchema({ type: "string", nullable: true } as SpecSchema, v31())).toEqual({ type: "string" });
  });
});

describe("convertSchema: exclusive bounds", () => {
  it.each<[string, "3.0" | "3.1", object, object]>([
    [
      "3.0 exclusiveMinimum: true moves the bound",
      "3.0",
      { type: "number", minimum: 0, exclusiveMinimum: true },
      { type: "number", exclusiveMinimum: 0 },
    ],
    [
      "3.0 exclusiveMaximum: true moves the bound",
      "3.0",
      { type: "number", maximum: 10, exclusiveMaximum: true },
      { type: "number", exclusiveMaximum: 10 },
    ],
    [
      "3.0 exclusiveMinimum: false keeps minimum",
      "3.0",
      { type: "number", minimum: 0, exclusiveMinimum: false },
      { type: "number", minimum: 0 },
    ],
    ["3.0 exclusiveMaximum: true without maximum is dropped", "3.0", { type: "number", exclusiveMaximum: true }, { type: "number" }],
    [
      "3.0 both bounds at once",
      "3.0",
      { type: "integer", minimum: 1, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: true },
      { type: "integer", exclusiveMinimum: 1, exclusiveMaximum: 9 },
    ],
    [
      "3.1 numeric exclusive bounds stay",
      "3.1",
      { type: "number", exclusiveMinimum: 0, maximum: 5 },
      { type: "number", exclusiveMinimum: 0, maximum: 5 },
    ],
  ])("%s", (_, openapiVersion, given, want) => {
    expect(convertSchema(given as SpecSchema, testContext({ openapiVersion }))).toEqual(want);
  });
});
