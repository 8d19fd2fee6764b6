import { type FieldError, type HttpProblem, isProblemCode, type ProblemCode } from "../../../generated/routes.js";
import { problemResponse } from "../../http/problem-responses.js";
import { httpProblem } from "../../http/problem-titles.js";
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
 * An agent-route refusal (or a refusal a proxied API call answered with) as
 * every other error of this API: an HttpProblem, so that its body is
 * `HttpProblem.toJSON()` like every problem's, with the problem+json members
 * (`type`, `title`, `status`, `detail`, `code`) and the protocol's `error`
 * and `message`. Whatever else the body carried (e.g. the plugin's
 * `approval` details) stays, as extension members. A body that already is
 * such a problem (our onExecute's, the fast execute route's, the API's)
 * keeps its code, title, detail and field errors.
 *
 * @example protocolProblem(403, { error: "capability_not_granted", message: "…" }).toJSON()
 * // { error: "capability_not_granted", message: "…", type: "/problems/capability_not_granted", title: "Forbidden", status: 403, code: "capability_not_granted", detail: "…" }
 */
export function protocolProblem(status: number, body: unknown): HttpProblem {
  const record = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (isProblemBody(record, status)) return httpProblem(status, record.code, record.detail, record.errors, {}, record);
  const named =
    typeof record.error === "string" ? record.error : typeof record.code === "string" ? protocolErrorOf(record.code) : undefined;
  const code: ProblemCode = isProblemCode(named) ? named : (CODE_OF_STATUS[status] ?? (status >= 500 ? "internal_error" : "bad_request"));
  const message = [record.message, record.error_description, record.detail].find(
    (text): text is string => typeof text === "string" && text !== "",
  );
  return httpProblem(status, code, message, undefined, {}, record);
}

/** protocolProblem's body: what the batch after-hook puts on a failed item. */
export function protocolProblemOf(status: number, body: unknown): Record<string, unknown> {
  return { ...protocolProblem(status, body).toJSON() };
}

interface ProblemBody {
  type: string;
  error: string;
  status: number;
  code: ProblemCode;
  title: string;
  detail?: string;
  errors?: FieldError[];
}

/** A body this API already wrote as a problem (HttpProblem.toJSON's shape), for this status. */
function isProblemBody(record: Record<string, unknown>, status: number): record is Record<string, unknown> & ProblemBody {
  return (
    typeof record.type === "string" &&
    typeof record.error === "string" &&
    record.status === status &&
    isProblemCode(record.code) &&
    typeof record.title === "string" &&
    (record.detail === undefined || typeof record.detail === "string") &&
    (record.errors === undefined || Array.isArray(record.errors))
  );
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
  return problemResponse(protocolProblem(response.status, body), { headers: response.headers, statusText: response.statusText });
}
