import { capabilities, type CapabilityName } from "../../generated/capabilities.js";
import { HttpProblem, type FieldError, type OperationCall } from "../../generated/routes.js";

/**
 * Turns `capability/execute` arguments (`{ params, body }`, the capability's
 * input schema) into an operation call: each parameter goes where the
 * contract puts it (path, query or header). The shape is checked here;
 * values are validated by the router's own validators afterwards, so both
 * paths report the same field errors.
 */
export function toOperationCall(capability: CapabilityName, args: unknown): OperationCall {
  const errors: FieldError[] = [];
  const input = args ?? {};
  if (typeof input !== "object" || Array.isArray(input)) {
    throw invalid([{ pointer: "/arguments", detail: "must be an object with `params` and/or `body`", code: "type" }]);
  }
  for (const key of Object.keys(input)) {
    if (key !== "params" && key !== "body") errors.push({ pointer: `/arguments/${key}`, detail: "is not a known field (use params and body)", code: "unevaluatedProperties" });
  }
  const { params = {}, body } = input as { params?: unknown; body?: unknown };
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    errors.push({ pointer: "/arguments/params", detail: "must be an object of parameters by name", code: "type" });
  }
  const call: Required<Pick<OperationCall, "params" | "query" | "headers">> & OperationCall = { params: {}, query: {}, headers: {} };
  const locations = new Map(capabilities[capability].parameters.map((parameter) => [parameter.name, parameter.in]));
  for (const [name, value] of Object.entries(typeof params === "object" && params !== null ? params : {})) {
    const location = locations.get(name);
    if (location === "path") call.params[name] = value;
    else if (location === "query") call.query[name] = value;
    else if (location === "header") call.headers[name] = value;
    else errors.push({ pointer: `/arguments/params/${name}`, detail: `is not a parameter of ${capability}`, code: "unevaluatedProperties" });
  }
  if (errors.length > 0) throw invalid(errors);
  if (body !== undefined) call.body = body;
  return call;
}

function invalid(errors: FieldError[]): HttpProblem {
  return new HttpProblem(400, "validation_failed", "Invalid request", `${errors.length} invalid field(s)`, errors);
}
