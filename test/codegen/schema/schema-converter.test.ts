import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { ApiModel, SpecSchema } from "../../../codegen/model/operation-model.js";
import { SchemaConverter } from "../../../codegen/schema/schema-converter.js";

const str = { type: "string" };

/** Just enough of a model for the converter: component schemas. */
function modelWith(componentSchemas: Record<string, object>): ApiModel {
  return {
    title: "t",
    version: "1",
    openapiVersion: "3.1",
    operations: [],
    problemCodes: undefined,
    problemCodeDocs: undefined,
    componentSchemas: componentSchemas as Record<string, SpecSchema>,
    warnings: [],
  };
}

const COMPONENTS = {
  Base: { type: "object", required: ["id"], properties: { id: str } },
  Extended: { allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", properties: { extra: str } }] },
  Node: { type: "object", properties: { name: str, children: { type: "array", items: { $ref: "#/components/schemas/Node" } } } },
  Unused: { type: "string" },
};

describe("SchemaConverter", () => {
  it("keeps a component that is an allOf member open in its own definition", () => {
    const converter = new SchemaConverter(modelWith(COMPONENTS));
    expect(converter.component("Base")).not.toHaveProperty("unevaluatedProperties");
  });

  it("validates a composed request: base and extension fields pass, unknown fields fail", () => {
    const converter = new SchemaConverter(modelWith(COMPONENTS));
    const { schema, components } = converter.convert({ $ref: "#/components/schemas/Extended" });
    const validate = new Ajv2020({ strict: false }).compile({ ...(schema as object), $defs: converter.defs(components) });
    expect(validate({ id: "1", extra: "e" }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ id: "1", unknown: true })).toBe(false);
  });

  it("closes an open component used on its own", () => {
    const converter = new SchemaConverter(modelWith(COMPONENTS));
    const { schema, components } = converter.convert({ $ref: "#/components/schemas/Base" });
    const validate = new Ajv2020({ strict: false }).compile({ ...(schema as object), $defs: converter.defs(components) });
    expect(validate({ id: "1" })).toBe(true);
    expect(validate({ id: "1", extra: "e" })).toBe(false);
  });

  it("returns the closure of referenced components, in spec order, for $defs", () => {
    const converter = new SchemaConverter(modelWith(COMPONENTS));
    const { components } = converter.convert({ type: "array", items: { $ref: "#/components/schemas/Extended" } } as SpecSchema);
    expect([...components].sort()).toEqual(["Base", "Extended"]);
    expect(Object.keys(converter.defs(components))).toEqual(["Base", "Extended"]);
  });

  it("handles a recursive component", () => {
    const converter = new SchemaConverter(modelWith(COMPONENTS));
    const { schema, components } = converter.convert({ $ref: "#/components/schemas/Node" });
    expect([...components]).toEqual(["Node"]);
    const validate = new Ajv2020({ strict: false }).compile({ ...(schema as object), $defs: converter.defs(components) });
    expect(validate({ name: "a", children: [{ name: "b", children: [] }] })).toBe(true);
    expect(validate({ name: "a", children: [{ name: "b", nope: 1 }] })).toBe(false);
  });
});
