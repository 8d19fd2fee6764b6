import { describe, expect, it } from "vitest";
import type { EmitContext } from "../../codegen/emit/emitter.js";
import { emitTypes } from "../../codegen/emit/types-emitter.js";

/**
 * openapi-typescript patches the schemas a discriminator maps to while it
 * makes the types; emitTypes puts them back (codegen/emit/discriminator-undo.ts),
 * so the published contract and every other emitter see the source as written.
 */
describe("emitTypes and discriminators", () => {
  const document = () => ({
    openapi: "3.1.0",
    info: { title: "Discriminators", version: "1.0.0" },
    paths: {},
    components: {
      schemas: {
        Pet: {
          oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }, { $ref: "#/components/schemas/Bird" }],
          discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" } },
        },
        // Each way a target is patched: a property replaced (and `required` grown), `properties` and `required` created, `allOf` grown.
        Cat: {
          type: "object",
          required: ["name"],
          properties: { kind: { type: "string", description: "Kind" }, name: { type: "string" } },
        },
        Dog: { type: "object" },
        Bird: { allOf: [{ type: "object", properties: { wings: { type: "integer" } } }] },
        Base: { type: "object", discriminator: { propertyName: "type", mapping: { fish: "#/components/schemas/Fish" } } },
        Fish: { allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", properties: { fins: { type: "integer" } } }] },
      },
    },
  });

  it("types the discriminator properties and leaves the document as it was", async () => {
    const source = document();
    const files = await emitTypes({ document: source } as unknown as EmitContext);
    const types = files.find((file) => file.path === "sdk/openapi.ts")!.contents;

    expect(types).toContain('kind: "cat"');
    expect(types).toContain('kind: "dog"');
    expect(types).toContain('kind: "Bird"');
    expect(types).toContain('type: "fish"');
    expect(JSON.stringify(source)).toBe(JSON.stringify(document()));
  });
});
