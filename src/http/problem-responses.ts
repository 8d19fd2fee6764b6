import type { Response } from "express";
import { type HttpProblem, type ProblemCode, sendProblem } from "../../generated/routes.js";
import { httpProblem } from "./problem-titles.js";

/**
 * Every problem+json this API writes is `HttpProblem.toJSON()`, sent by one
 * of two writers: `sendProblem` (the generated router's, re-exported here)
 * on an Express response, and `problemResponse` for Better Auth's fetch-style
 * handler. Nothing else serializes a problem.
 */
export { sendProblem };

/** A problem built from its parts (requests that never reach the generated router: 404s, health). */
export function sendPlainProblem(res: Response, status: number, code: ProblemCode, detail?: string): void {
  sendProblem(res, httpProblem(status, code, detail));
}

/**
 * The problem as a fetch `Response` (Better Auth's handler answers with
 * those). `init` carries what the original answer had besides its body
 * (headers such as Set-Cookie, statusText); the problem's own headers win.
 */
export function problemResponse(
  problem: HttpProblem,
  init: { headers?: ConstructorParameters<typeof Headers>[0]; statusText?: string } = {},
): globalThis.Response {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(problem.headers)) headers.set(name, value);
  headers.set("content-type", "application/problem+json");
  headers.delete("content-length");
  return new globalThis.Response(JSON.stringify(problem.toJSON()), { status: problem.status, statusText: init.statusText, headers });
}
