/*
 * Writing answers: a handler's result in the media type its operation
 * declares, JSON without ETag, problem+json, and the 500 that replaces a
 * response breaking the contract when responses are validated.
 */
import type { Response } from "express";
import { ResponseContractError, type ResponseValidation, type ResponseViolation } from "../response-validation.js";
import type { HandlerResult, MediaMeta, OperationMeta } from "./operation.js";
import { HttpProblem, PROBLEM_JSON } from "./problem.js";

function declaredMedia(operation: OperationMeta, status: number): readonly MediaMeta[] | undefined {
  const code = String(status);
  return operation.responses[code] ?? operation.responses[`${code[0]}XX`] ?? operation.responses.default;
}

/** A handler's result, in the first media type its operation declares for the status (JSON when none). */
export function sendResult(res: Response, operation: OperationMeta, result: HandlerResult): void {
  if (result.headers) res.set(result.headers);
  res.status(result.status);
  if (result.body === undefined) {
    res.end();
    return;
  }
  const media = declaredMedia(operation, result.status)?.[0] ?? { contentType: "application/json", kind: "json" as const };
  if (media.kind === "json") {
    sendJson(res, media.contentType, result.body);
    return;
  }
  res.type(media.contentType);
  if (media.kind === "text") res.send(String(result.body));
  else res.send(result.body);
}

/**
 * JSON written straight to the response: what `res.send` would send, less
 * its work an API does not need (an ETag hashed from every body, and the
 * 304s it allows, which no operation declares).
 */
function sendJson(res: Response, contentType: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.setHeader("Content-Type", `${contentType}; charset=utf-8`);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/**
 * The one writer of problem+json on an Express response: the router's own
 * answers and, re-exported, every app-level one (404s, readiness, database
 * faults, the fast execute route). The body is always `problem.toJSON()`.
 */
export function sendProblem(res: Response, problem: HttpProblem): void {
  res.status(problem.status).set(problem.headers);
  sendJson(res, PROBLEM_JSON, problem.toJSON());
}

/** Tells the test about a response that breaks the contract; the 500 that replaces it names what is wrong. */
export function reportViolation(validation: ResponseValidation, violation: ResponseViolation): HttpProblem {
  try {
    validation.onViolation(violation);
  } catch {
    // The 500 below still tells the client; a failing reporter must not hide it.
  }
  return new HttpProblem(500, "internal_error", "Internal server error", new ResponseContractError(violation).message);
}
