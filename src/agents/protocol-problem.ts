import { STATUS_CODES } from "node:http";
import { HttpProblem, isProblemCode, type ProblemCode } from "../../generated/routes.js";
import { isAgentAuthPath } from "./truthful-status.js";

/**
 * The protocol's `error` for a Better Auth error code: snake_case, as the
 * plugin's own codes are (`VALIDATION_ERROR` → `validation_error`,
 * `agentNotFound` → `agent_not_found`).
 *
 * @example protocolErrorOf("VALIDATION_ERROR") // "validation_error"
 */
export function protocolErrorOf(code: string): string {
  const snake = code
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
  return snake === "" ? "unknown_error" : snake;
}

/**
 * Codes for refusals whose own code is not one of the contract's (Better
 * Auth's rate limiter sends only `{ message }`; a future plugin version may
 * add a code): the closed set stays closed, the message keeps the wording.
 */
const CODE_OF_STATUS: Readonly<Record<number, ProblemCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  429: "rate_limited",
  500: "internal_error",
};

/**
 * An agent-route refusal as every other error of this API: the problem+json
 * members (`type`, `title`, `status`, `detail`, `code`) and the protocol's
 * `error` and `message`, written by the one problem writer
 * (`HttpProblem.toJSON`). Whatever else the body carried (e.g. the plugin's
 * `approval` details) stays. Bodies that already are such a problem (our
 * onExecute's, the fast execute route's) come back unchanged.
 *
 * @example protocolProblemOf(403, { error: "capability_not_granted", message: "…" })
 * // { error: "capability_not_granted", message: "…", type: "/problems/capability_not_granted", title: "Forbidden", status: 403, code: "capability_not_granted", detail: "…" }
 */
export function protocolProblemOf(status: number, body: unknown): Record<string, unknown> {
  const record = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (typeof record.type === "string" && typeof record.error === "string" && record.status === status) return record;
  const named = typeof record.error === "string" ? record.error : typeof record.code === "string" ? protocolErrorOf(record.code) : undefined;
  const code: ProblemCode = isProblemCode(named) ? named : (CODE_OF_STATUS[status] ?? (status >= 500 ? "internal_error" : "bad_request"));
  const message = [record.message, record.error_description, record.detail].find((text): text is string => typeof text === "string" && text !== "");
  return { ...record, ...new HttpProblem(status, code, STATUS_CODES[status] ?? "Error", message).toJSON() };
}

/**
 * Better Auth's answer for an agent route, with any refusal rewritten as a
 * protocol problem (see protocolProblemOf) and sent as
 * application/problem+json. Done on the finished response so that every
 * refusal gets it: the plugin's, our guards', Better Auth's body validation
 * and its rate limiter (which answers before any hook runs).
 */
export async function withProtocolProblem(response: Response, authPath: string): Promise<Response> {
  if (response.status < 400 || !isAgentAuthPath(authPath)) return response;
  const type = response.headers.get("content-type") ?? "";
  if (!/^application\/(problem\+)?json/i.test(type)) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    body = {};
  }
  const headers = new Headers(response.headers);
  headers.set("content-type", "application/problem+json");
  headers.delete("content-length");
  return new Response(JSON.stringify(protocolProblemOf(response.status, body)), { status: response.status, statusText: response.statusText, headers });
}
