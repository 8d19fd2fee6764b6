import type { JsonSchema, JsonValue } from "./json-schema.js";

/** Subschemas smaller than this (as JSON) are cheaper to compile twice than to call. */
const MIN_SHARED_SIZE = 256;
/** Keywords whose value maps names to schemas (the map itself is not a schema). */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
/** Keywords whose value is a schema or a list of schemas. */
const SCHEMA_VALUES = new Set([
  "items",
  "prefixItems",
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "allOf",
  "anyOf",
  "oneOf",
  "additionalItems",
  "contentSchema",
]);

type SchemaObject = { [keyword: string]: JsonValue };

/**
 * Replaces subschemas that occur more than once across `schemas` with `$ref`s
 * to one shared definition, so the validator compiler emits their code once.
 * A `$ref` to an identical schema validates exactly as the schema itself
 * (JSON Schema 2020-12 §8.2.3.1), annotations included. Large real specs
 * repeat big inline schemas (Stripe's request bodies repeat more bytes than
 * they hold uniquely), which otherwise multiplies the generated code.
 *
 * @param refBase prefix of the emitted `$ref`s, e.g. `components#/$defs/`
 * @param nameFor names the n-th shared schema; must not clash with other `$defs`
 */
export function hoistSharedSubschemas(
  schemas: readonly JsonSchema[],
  refBase: string,
  nameFor: (index: number) => string,
): { schemas: JsonSchema[]; shared: Record<string, JsonSchema> } {
  const counts = new Map<string, number>();
  walkSchemas(schemas, (node, key) => {
    if (key.length >= MIN_SHARED_SIZE) counts.set(key, (counts.get(key) ?? 0) + 1);
    return node;
  });

  const shared: Record<string, JsonSchema> = {};
  const names = new Map<string, string>();
  const rewritten = walkSchemas(schemas, (node, key, isRoot) => {
    if (isRoot || (counts.get(key) ?? 0) < 2) return node;
    let name = names.get(key);
    if (!name) {
      name = nameFor(names.size + 1);
      names.set(key, name);
      shared[name] = node;
    }
    return { $ref: `${refBase}${name}` };
  });
  return { schemas: rewritten, shared };
}

/**
 * Post-order walk over every schema object (children first, so `visit` sees
 * a node whose children were already rewritten); `key` is the node's JSON
 * before rewriting, identifying equal subschemas.
 */
function walkSchemas(
  roots: readonly JsonSchema[],
  visit: (node: SchemaObject, key: string, isRoot: boolean) => SchemaObject,
): JsonSchema[] {
  const schema = (node: JsonSchema, isRoot: boolean): JsonSchema => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
    const key = JSON.stringify(node);
    const out: SchemaObject = {};
    for (const [keyword, value] of Object.entries(node)) {
      if (SCHEMA_MAPS.has(keyword) && isObject(value)) {
        out[keyword] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, schema(child as JsonSchema, false)]));
      } else if (SCHEMA_VALUES.has(keyword)) {
        out[keyword] = Array.isArray(value) ? value.map((child) => schema(child as JsonSchema, false)) : schema(value as JsonSchema, false);
      } else {
        out[keyword] = value;
      }
    }
    return visit(out, key, isRoot);
  };
  return roots.map((root) => schema(root, true));
}

function isObject(value: JsonValue): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
