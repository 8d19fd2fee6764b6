import { SpecError } from "../errors.js";
import { wrappedBodyArgument } from "../model/argument-names.js";
import type { OperationModel } from "../model/operation-model.js";
import type { JsonSchema, JsonValue } from "./json-schema.js";
import { parameterObjectSchema } from "./operation-schemas.js";
import { defsRefTarget, type SchemaConverter } from "./schema-converter.js";

/**
 * How a capability's arguments carry the request body:
 * - `flat`: each top-level body field is an argument of its own, beside the parameters;
 * - `wrapped`: the whole body is the one argument `argument` (`body`, or `_body` when a parameter is named `body`);
 * - `none`: the operation takes no JSON or form body.
 */
export type BodyArguments =
  | { readonly mode: "none" }
  | { readonly mode: "flat"; readonly fields: readonly string[]; readonly required: boolean }
  | { readonly mode: "wrapped"; readonly argument: string };

export interface CapabilityInput {
  /** One self-contained JSON Schema (2020-12) of the arguments, with the `$defs` it needs. */
  readonly schema: JsonSchema;
  readonly body: BodyArguments;
}

/**
 * Keywords a body object may carry and still be listed field by field. Object-level
 * rules among them (`minProperties`, `maxProperties`) cannot be said in the flat
 * schema; the router's validator still checks them on the reassembled body.
 */
const FLAT_OBJECT_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "unevaluatedProperties",
  "title",
  "description",
  "examples",
  "deprecated",
  "$comment",
  "minProperties",
  "maxProperties",
]);
/** Siblings of a `$ref` to the body's component that leave it a plain object (annotations, or closing it). */
const REF_SIBLINGS = new Set(["$ref", "title", "description", "examples", "deprecated", "$comment", "unevaluatedProperties"]);

/**
 * The arguments of an operation's capability, flat: its path, query and
 * header parameters by their contract names, then the top-level fields of a
 * JSON (or form) object body, side by side; `required` lists the required
 * parameters and, when the body is required, its required fields.
 *
 * Collision rule: the body is flattened only when it is a plain, closed
 * object schema (properties, no composition, no extra keys allowed) none of
 * whose fields is named like a parameter. Otherwise (arrays, scalars,
 * `oneOf`/`allOf`, open maps, a clash) the whole body is the single argument
 * `body`, or `_body` when a parameter is named `body`. The model refuses
 * what this rule cannot name (see argument-names.ts): parameters sharing a
 * name, or named both `body` and `_body` beside a body.
 *
 * @example
 * // POST /v1/carts/{cart_id}/items with body { product_id, quantity }
 * capabilityInput(operation, converter).body; // { mode: "flat", fields: ["product_id", "quantity"], required: true }
 */
export function capabilityInput(operation: OperationModel, converter: SchemaConverter): CapabilityInput {
  const parameters = operation.parameters.filter((parameter) => parameter.in !== "cookie");
  const components = new Set<string>();
  const params = parameterObjectSchema(parameters, converter, "#/$defs/", components) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  const properties: Record<string, JsonSchema> = { ...params.properties };
  const required: string[] = [...(params.required ?? [])];
  let body: BodyArguments = { mode: "none" };

  const media = operation.requestBody?.media.find((item) => (item.kind === "json" || item.kind === "form") && item.schema);
  if (media?.schema) {
    const bodyRequired = operation.requestBody?.required ?? false;
    const converted = converter.convert(media.schema);
    const names = new Set(parameters.map((parameter) => parameter.name));
    const fields = plainObjectFields(converted.schema, converter);
    if (fields && !Object.keys(fields.properties).some((field) => names.has(field))) {
      Object.assign(properties, fields.properties);
      if (bodyRequired) required.push(...fields.required);
      for (const name of converter.reachedFrom(Object.values(fields.properties))) components.add(name);
      body = { mode: "flat", fields: Object.keys(fields.properties), required: bodyRequired };
    } else {
      const argument = wrappedBodyArgument(parameters);
      // buildModel refused such an operation already (argumentNameProblems).
      if (!argument)
        throw new SpecError('parameters named both "body" and "_body" leave no argument name for the request body', operation.pointer);
      properties[argument] = converted.schema;
      if (bodyRequired) required.push(argument);
      for (const name of converted.components) components.add(name);
      body = { mode: "wrapped", argument };
    }
  }

  const schema: { [keyword: string]: JsonValue } = { type: "object", properties, additionalProperties: false };
  if (required.length > 0) schema.required = required;
  if (components.size > 0) schema.$defs = converter.defs(components);
  return { schema, body };
}

type SchemaObject = { [keyword: string]: JsonValue };

function isObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The fields of a converted body schema that is a plain, closed object
 * (directly or through `$ref`s to components); undefined for anything else.
 * Closed matters: an object that allows unnamed extra fields cannot be told
 * apart from unknown arguments once flattened.
 */
function plainObjectFields(
  schema: JsonSchema,
  converter: SchemaConverter,
): { properties: Record<string, JsonSchema>; required: string[] } | undefined {
  let node: JsonSchema = schema;
  let closedByRef = false;
  const seen = new Set<string>();
  while (isObject(node) && typeof node.$ref === "string") {
    const target = defsRefTarget(node.$ref);
    if (!target?.whole || seen.has(target.name)) return undefined;
    if (Object.keys(node).some((keyword) => !REF_SIBLINGS.has(keyword))) return undefined;
    if ("unevaluatedProperties" in node) {
      if (node.unevaluatedProperties !== false) return undefined;
      closedByRef = true;
    }
    seen.add(target.name);
    node = converter.component(target.name);
  }
  if (!isObject(node) || node.type !== "object" || !isObject(node.properties)) return undefined;
  if (Object.keys(node).some((keyword) => !FLAT_OBJECT_KEYWORDS.has(keyword))) return undefined;
  const extra = [node.additionalProperties, node.unevaluatedProperties];
  if (extra.some((value) => value !== undefined && value !== false)) return undefined;
  if (!closedByRef && !extra.includes(false)) return undefined;
  const required = Array.isArray(node.required) ? node.required.filter((name): name is string => typeof name === "string") : [];
  return { properties: node.properties as Record<string, JsonSchema>, required };
}
