import type { SpecSchema } from "../model/operation-model.js";
import { textRule } from "./control-characters.js";
import type { JsonSchema, JsonValue } from "./json-schema.js";

const COMPONENT_PREFIX = "#/components/schemas/";

/** Keywords that only exist in the OpenAPI dialect, or only document, and that a validator must not see. */
const DROPPED_KEYWORDS = new Set(["nullable", "discriminator", "xml", "externalDocs", "example", "$schema", "$id"]);
/**
 * In-place applicators: their subschemas apply to the same instance as the
 * schema holding them, so closing one would reject its siblings' properties
 * (or, under `not`, invert the rule). The holding schema closes instead; its
 * `unevaluatedProperties` sees what the successful subschemas evaluated.
 */
export const IN_PLACE_APPLICATORS = new Set(["allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"]);
/** Keywords whose value is one schema applied to another instance (a property, an item…). */
const SCHEMA_KEYWORDS = new Set(["contains", "propertyNames", "additionalItems", "unevaluatedItems", "contentSchema"]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(["prefixItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set(["patternProperties", "$defs", "definitions"]);

export interface ConvertContext {
  readonly openapiVersion: "3.0" | "3.1";
  /** Replaces "#/components/schemas/" in `$ref`s, e.g. "#/$defs/" or "components#/$defs/". */
  readonly refPrefix: string;
  /**
   * Component schemas used as `allOf` members somewhere: they stay open to
   * extra properties, and the schema that composes them closes instead.
   */
  readonly openComponents: ReadonlySet<string>;
  /** Called with each component a converted schema references. */
  readonly onComponentRef?: (name: string) => void;
  /** Called with each `format` met, so the validator can register unknown ones. */
  readonly onFormat?: (format: string) => void;
  /**
   * Request hygiene: string schemas refuse control characters unless they
   * opt out with `x-allow-control-characters` (see control-characters.ts).
   * On for requests; a converter of response schemas would turn it off.
   */
  readonly refuseControlCharacters: boolean;
}

/**
 * Converts an OpenAPI schema (3.0 or 3.1 dialect) to a JSON Schema 2020-12
 * schema for validating requests:
 * - 3.0 `nullable` and boolean `exclusiveMinimum`/`exclusiveMaximum` become
 *   their 2020-12 forms; OpenAPI-only keywords and `x-` extensions go;
 * - `$ref`s to components are re-pointed with `refPrefix`;
 * - objects that list properties and say nothing about extra ones are closed
 *   with `unevaluatedProperties: false`, so unknown fields are rejected even
 *   through composition; subschemas of in-place applicators (`allOf`,
 *   `oneOf`, `if`, `not`…) stay open and their holder closes;
 * - `readOnly` properties are not required in requests (OpenAPI 3 §4.8.24);
 * - with `refuseControlCharacters`, string schemas refuse U+0000–U+001F and
 *   U+007F (TAB, LF, CR too unless `x-allow-control-characters: whitespace`;
 *   nothing with `all`), see `textRule`.
 */
export function convertSchema(schema: SpecSchema, context: ConvertContext, closable = true): JsonSchema {
  if (typeof schema === "boolean") return schema;
  const source = schema as Record<string, unknown>;

  if (typeof source.$ref === "string") {
    const converted = convertRef(source.$ref, context, closable);
    // OpenAPI 3.0 ignores siblings of $ref; 3.1 (JSON Schema) applies them.
    if (context.openapiVersion === "3.0") return converted;
    const siblings = convertKeywords({ ...source, $ref: undefined }, context, false);
    if (typeof siblings === "boolean") return converted;
    delete siblings.$ref;
    return Object.keys(siblings).length === 0 ? converted : { ...siblings, ...converted };
  }
  return convertKeywords(source, context, closable);
}

function convertRef(ref: string, context: ConvertContext, closable: boolean): { [keyword: string]: JsonValue } {
  if (!ref.startsWith(COMPONENT_PREFIX)) return { $ref: ref };
  const rest = ref.slice(COMPONENT_PREFIX.length);
  const name = decodeURIComponent(rest.split("/")[0]!).replace(/~1/g, "/").replace(/~0/g, "~");
  context.onComponentRef?.(name);
  const converted: { [keyword: string]: JsonValue } = { $ref: context.refPrefix + rest };
  if (closable && context.openComponents.has(name) && !rest.includes("/")) {
    converted.unevaluatedProperties = false;
  }
  return converted;
}

function convertKeywords(source: Record<string, unknown>, context: ConvertContext, closable: boolean) {
  const out: { [keyword: string]: JsonValue } = {};
  for (const [keyword, value] of Object.entries(source)) {
    if (DROPPED_KEYWORDS.has(keyword) || keyword.startsWith("x-")) continue;
    out[keyword] = convertKeyword(keyword, value, context);
  }
  if (context.openapiVersion === "3.0") applyOpenApi30Semantics(source, out);
  if (typeof source.format === "string") context.onFormat?.(source.format);
  dropReadOnlyFromRequired(source, out);
  if (closable && describesClosableObject(out)) out.unevaluatedProperties = false;
  // After closing: the rule may add an `allOf`, which must not make a string-or-object schema look closable.
  if (context.refuseControlCharacters) Object.assign(out, textRule(source, out));
  if (source.nullable === true && context.openapiVersion === "3.0") return makeNullable(out);
  return out;
}

function convertKeyword(keyword: string, value: unknown, context: ConvertContext): JsonValue {
  if (IN_PLACE_APPLICATORS.has(keyword)) {
    if (Array.isArray(value)) return listSchemas(value, context, false);
    if (keyword === "dependentSchemas") return mapSchemas(value, context, false);
    return convertSchema(value as SpecSchema, context, false);
  }
  if (keyword === "properties" || SCHEMA_MAP_KEYWORDS.has(keyword)) return mapSchemas(value, context);
  if (SCHEMA_LIST_KEYWORDS.has(keyword)) return listSchemas(value, context, true);
  if (keyword === "items") {
    return Array.isArray(value) ? listSchemas(value, context, true) : convertSchema(value as SpecSchema, context);
  }
  if (keyword === "additionalProperties" || keyword === "unevaluatedProperties" || SCHEMA_KEYWORDS.has(keyword)) {
    return convertSchema(value as SpecSchema, context);
  }
  return value as JsonValue;
}

function mapSchemas(value: unknown, context: ConvertContext, closable = true): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  for (const [name, schema] of Object.entries(value as Record<string, SpecSchema>)) {
    out[name] = convertSchema(schema, context, closable);
  }
  return out;
}

function listSchemas(value: unknown, context: ConvertContext, closable: boolean): JsonValue {
  return (value as SpecSchema[]).map((schema) => convertSchema(schema, context, closable));
}

/** 3.0 used booleans for exclusive bounds; 2020-12 uses the bound itself. */
function applyOpenApi30Semantics(source: Record<string, unknown>, out: { [keyword: string]: JsonValue }): void {
  for (const [exclusive, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (typeof source[exclusive] !== "boolean") continue;
    if (source[exclusive] === true && typeof source[bound] === "number") {
      out[exclusive] = source[bound] as number;
      delete out[bound];
    } else {
      delete out[exclusive];
    }
  }
}

function dropReadOnlyFromRequired(source: Record<string, unknown>, out: { [keyword: string]: JsonValue }): void {
  const properties = source.properties as Record<string, { readOnly?: unknown }> | undefined;
  if (!properties || !Array.isArray(source.required)) return;
  const required = (source.required as string[]).filter((name) => properties[name]?.readOnly !== true);
  if (required.length === source.required.length) return;
  if (required.length === 0) delete out.required;
  else out.required = required;
}

function describesClosableObject(out: { [keyword: string]: JsonValue }): boolean {
  if ("additionalProperties" in out || "unevaluatedProperties" in out || "patternProperties" in out) return false;
  // Ajv 8.20 loses the properties' annotations when `dependentSchemas` does not apply and would then reject
  // declared properties; such a schema is left open rather than made wrong.
  if ("dependentSchemas" in out) return false;
  const typed = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object"));
  const hasShape = "properties" in out || [...IN_PLACE_APPLICATORS].some((keyword) => keyword in out);
  return hasShape && (typed || out.type === undefined);
}

function makeNullable(out: { [keyword: string]: JsonValue }): JsonSchema {
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    return out;
  }
  if (out.type === undefined && !("enum" in out)) return { anyOf: [out, { type: "null" }] };
  return out;
}
