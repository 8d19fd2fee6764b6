import type { OperationModel, ParameterLocation, ParameterModel } from "../model/operation-model.js";
import type { JsonSchema } from "./json-schema.js";
import type { SchemaConverter } from "./schema-converter.js";

/** Handler input key of each parameter location. */
export const INPUT_KEY_BY_LOCATION: Readonly<Record<Exclude<ParameterLocation, "cookie">, "params" | "query" | "headers">> = {
  path: "params",
  query: "query",
  header: "headers",
};

/** An object schema listing parameters by name; open to extra keys (unknown query strings are tolerated). */
export function parameterObjectSchema(
  parameters: readonly ParameterModel[],
  converter: SchemaConverter,
  refPrefix: string,
  components: Set<string>,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const parameter of parameters) {
    const converted = converter.convert(parameter.schema, refPrefix);
    for (const name of converted.components) components.add(name);
    properties[parameter.name] = withDescription(converted.schema, parameter.description);
    if (parameter.required) required.push(parameter.name);
  }
  return required.length > 0 ? { type: "object", properties, required } : { type: "object", properties };
}

/**
 * `{ params, query, headers }` of one operation as one schema, so a single
 * validator call coerces them all and its error paths read `/query/limit`.
 * Undefined when the operation has no parameters.
 */
export function parametersSchema(
  operation: OperationModel,
  converter: SchemaConverter,
  refPrefix: string,
  components: Set<string>,
): JsonSchema | undefined {
  if (operation.parameters.length === 0) return undefined;
  const properties: Record<string, JsonSchema> = {};
  for (const [location, key] of Object.entries(INPUT_KEY_BY_LOCATION) as [ParameterLocation, string][]) {
    const list = operation.parameters.filter((parameter) => parameter.in === location);
    if (list.length > 0) properties[key] = parameterObjectSchema(list, converter, refPrefix, components);
  }
  return { type: "object", properties };
}

function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  if (!description || typeof schema === "boolean" || "description" in schema) return schema;
  return { description, ...schema };
}
