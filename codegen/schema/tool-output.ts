import type { OperationModel } from "../model/operation-model.js";
import type { JsonSchema, JsonValue } from "./json-schema.js";
import { defsRefTarget, type SchemaConverter } from "./schema-converter.js";

/** The property that carries a success body which is not an object, in a wrapped tool result. */
export const WRAPPED_RESULT_PROPERTY = "result";

/**
 * How an MCP tool's structured result carries the operation's success body:
 * - `body`: the body is the structured result (its schema is an object);
 * - `wrapped`: the body is the result's only property, `result` (arrays, scalars, compositions);
 * - `none`: no output schema (a success may have no JSON body: 204, text, binary).
 */
export type ToolOutput =
  | { readonly mode: "none" }
  | { readonly mode: "body"; readonly schema: JsonSchema }
  | { readonly mode: "wrapped"; readonly property: typeof WRAPPED_RESULT_PROPERTY; readonly schema: JsonSchema };

type SchemaObject = { [keyword: string]: JsonValue };

/**
 * The `outputSchema` of an operation's tool, from the JSON schemas of its
 * success (2xx, `2XX`) responses, self-contained with the `$defs` it needs.
 * MCP wants `type: "object"` at the root of an output schema and an object
 * as structured content, so:
 *
 * - one success schema that is an object (directly or through `$ref`s to
 *   components) is the output schema, with `type: "object"` stated at its root;
 * - several different ones are its `anyOf` (an object too when each is one);
 * - anything else (an array, a scalar, a composition) is wrapped:
 *   `{ result: <body> }`, and the server must wrap the body the same way;
 * - when some success has no JSON body (204, text) the tool has no output
 *   schema: MCP requires structured content that conforms whenever a schema is given.
 *
 * @example
 * toolOutput(getProduct, converter); // { mode: "body", schema: { type: "object", $ref: "#/$defs/Product", $defs: { … } } }
 */
export function toolOutput(operation: OperationModel, converter: SchemaConverter): ToolOutput {
  const successes = operation.responses.filter((response) => /^2(\d\d|XX)$/.test(response.status));
  const schemas = new Map<string, JsonSchema>();
  const components = new Set<string>();
  for (const response of successes) {
    const media = response.media.find((item) => item.kind === "json" && item.schema);
    if (!media?.schema) return { mode: "none" };
    const converted = converter.convert(media.schema);
    for (const name of converted.components) components.add(name);
    schemas.set(JSON.stringify(converted.schema), converted.schema);
  }
  if (schemas.size === 0) return { mode: "none" };
  const bodies = [...schemas.values()];
  const defs: SchemaObject = components.size > 0 ? { $defs: converter.defs(components) as SchemaObject } : {};
  if (bodies.every((body) => isObjectSchema(body, converter))) {
    const root = bodies.length === 1 ? (bodies[0] as SchemaObject) : { anyOf: bodies as JsonValue[] };
    return { mode: "body", schema: { type: "object", ...root, ...defs } };
  }
  const body = bodies.length === 1 ? bodies[0]! : { anyOf: bodies as JsonValue[] };
  return {
    mode: "wrapped",
    property: WRAPPED_RESULT_PROPERTY,
    schema: {
      type: "object",
      properties: { [WRAPPED_RESULT_PROPERTY]: body as JsonValue },
      required: [WRAPPED_RESULT_PROPERTY],
      additionalProperties: false,
      ...defs,
    },
  };
}

/** A schema whose instances are always objects: `type: "object"`, directly or at the end of `$ref`s to whole components. */
function isObjectSchema(schema: JsonSchema, converter: SchemaConverter): boolean {
  let node: JsonSchema = schema;
  const seen = new Set<string>();
  while (typeof node === "object" && typeof node.$ref === "string") {
    const target = defsRefTarget(node.$ref);
    if (!target?.whole || seen.has(target.name)) return false;
    seen.add(target.name);
    node = converter.component(target.name);
  }
  return typeof node === "object" && node.type === "object";
}
