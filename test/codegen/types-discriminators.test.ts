import { scanDiscriminators } from "openapi-typescript";
import { describe, expect, it } from "vitest";
import { discriminatorScanView } from "../../codegen/emit/discriminator-scan-view.js";
import { noteDiscriminatorTargets } from "../../codegen/emit/discriminator-undo.js";
import { typesOf } from "../../codegen/emit/openapi-types.js";

/**
 * openapi-typescript patches the schemas a discriminator maps to while it
 * makes the types; typesOf puts them back (codegen/emit/discriminator-undo.ts),
 * so the published contract and every other emitter see the source as written.
 */
describe("the types job and discriminators", () => {
  const document = () => ({
    openapi: "3.1.0",
    info: { title: "Discriminators", version: "1.0.0" },
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
        Alias: { $ref: "#/components/schemas/Dog" },
        Zoo: { type: "object", properties: { pet: { $ref: "#/components/schemas/Pet" }, other: { type: "string" } } },
      },
    },
    // A discriminator inline under paths, mapping through an alias, and one in an allOf item.
    paths: {
      "/pets/{id}": {
        get: {
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": {
                  schema: {
                    oneOf: [{ $ref: "#/components/schemas/Alias" }, { $ref: "#/components/schemas/Cat" }],
                    discriminator: { propertyName: "kind" },
                  },
                },
              },
            },
            "201": {
              description: "made",
              content: {
                "application/json": { schema: { allOf: [{ discriminator: { propertyName: "type" } }, { type: "object" }] } },
              },
            },
          },
        },
      },
    },
  });

  it("types the discriminator properties and leaves the document as it was", () => {
    const source = document();
    const types = typesOf(source);

    expect(types).toContain('kind: "cat"');
    expect(types).toContain('kind: "Alias"'); // the inline discriminator's inferred name, patched after Pet's "dog"
    expect(types).toContain('kind: "Bird"');
    expect(types).toContain('type: "fish"');
    expect(JSON.stringify(source)).toBe(JSON.stringify(document()));
  });

  it("scans the view of the way to the discriminators as it scans the whole document", () => {
    const whole = document();
    const expected = scanDiscriminators(whole as never, { silent: true });
    const source = document();
    const targets = noteDiscriminatorTargets(source);
    const view = discriminatorScanView(source, targets.acting, targets.refs);
    expect(view).toBeDefined();
    expect(scanDiscriminators(view as never, { silent: true })).toEqual(expected);
    // The same patches, in the document's own schemas.
    expect(JSON.stringify(source)).toBe(JSON.stringify(whole));
    targets.restore();
    expect(JSON.stringify(source)).toBe(JSON.stringify(document()));
  });
});
