import { type CapabilityName, capabilities } from "../../../generated/capabilities.js";
import type { FieldError, HttpProblem, OperationCall } from "../../../generated/routes.js";
import type { RawInput } from "../../../generated/runtime.js";
import { httpProblem } from "../../http/problem-titles.js";

/**
 * Turns `capability/execute` arguments into an operation call. Arguments are
 * flat, as the capability's input schema lists them: each parameter by its
 * contract name goes where the contract puts it (path, query or header);
 * the top-level fields of a flat body are gathered back into the body, a
 * wrapped body (`body`, or `_body`) is the body. Names are checked here
 * (an unknown one is a 400 naming `/arguments/<name>`); values are validated
 * by the router's own validators afterwards, so execute and `/v1` report the
 * same field errors.
 *
 * @example
 * toOperationCall("addCartItem", { cart_id: "…", product_id: "…", quantity: 1 });
 * // { params: { cart_id: "…" }, query: {}, headers: {}, body: { product_id: "…", quantity: 1 } }
 */
export function toOperationCall(capability: CapabilityName, args: unknown): OperationCall {
  const input = args ?? {};
  if (typeof input !== "object" || Array.isArray(input)) {
    throw invalid([{ pointer: "/arguments", detail: "must be an object of arguments by name", code: "type" }]);
  }
  const definition = capabilities[capability];
  const locations = new Map<string, "path" | "query" | "header">(definition.parameters.map((parameter) => [parameter.name, parameter.in]));
  const bodyFields = new Set(definition.body.mode === "flat" ? definition.body.fields : []);
  const call: Required<Pick<OperationCall, "params" | "query" | "headers">> & OperationCall = { params: {}, query: {}, headers: {} };
  const flatBody: Record<string, unknown> = {};
  let flatBodyGiven = false;
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(input)) {
    const location = locations.get(name);
    if (location === "path") call.params[name] = value;
    else if (location === "query") call.query[name] = value;
    else if (location === "header") call.headers[name] = value;
    else if (bodyFields.has(name)) {
      flatBody[name] = value;
      flatBodyGiven = true;
    } else if (definition.body.mode === "wrapped" && name === definition.body.argument) call.body = value;
    else
      errors.push({
        pointer: `/arguments/${escapePointer(name)}`,
        detail: `is not an argument of ${capability}`,
        code: "unevaluatedProperties",
      });
  }
  if (errors.length > 0) throw invalid(errors);
  // A required body is sent even when no field is given, so the router names each missing field.
  if (definition.body.mode === "flat" && (flatBodyGiven || definition.body.required)) call.body = flatBody;
  return call;
}

/**
 * A call's arguments by name, exactly as the capability's flat input schema
 * names them (the inverse of toOperationCall): grant constraints read this
 * view on `/v1`, so a constraint on `quantity` means the same there, on
 * execute and in the plugin's own check of `arguments`. Only declared
 * parameters appear: an undeclared query string cannot stand in for a field.
 */
export function toCapabilityArguments(
  capability: CapabilityName,
  input: Pick<RawInput, "params" | "query" | "headers" | "body">,
): Record<string, unknown> {
  const definition = capabilities[capability];
  const view: Record<string, unknown> = {};
  const sources = { path: input.params, query: input.query, header: input.headers };
  for (const parameter of definition.parameters) {
    const source = sources[parameter.in];
    if (Object.hasOwn(source, parameter.name)) view[parameter.name] = source[parameter.name];
  }
  const body = definition.body;
  if (body.mode === "wrapped" && input.body !== undefined) view[body.argument] = input.body;
  if (body.mode === "flat" && isRecord(input.body)) {
    for (const field of body.fields) {
      if (Object.hasOwn(input.body, field)) view[field] = input.body[field];
    }
  }
  return view;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 6901: an argument named `a/b` is `/arguments/a~1b`. */
function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

function invalid(errors: FieldError[]): HttpProblem {
  return httpProblem(400, "validation_failed", `${errors.length} invalid field(s)`, errors);
}
