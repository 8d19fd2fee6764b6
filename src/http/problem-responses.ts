import type { Response } from "express";
import { HttpProblem, type ProblemCode } from "../../generated/routes.js";

/**
 * Writes a problem as application/problem+json with its headers (Retry-After…):
 * the one writer for answers outside the generated router (app-level 404s,
 * readiness, database faults, the fast execute route). The body is the
 * router's own (`HttpProblem.toJSON`, with the protocol's `error`/`message`).
 */
export function sendProblem(res: Response, problem: HttpProblem): void {
  res.status(problem.status).set(problem.headers).type("application/problem+json").send(JSON.stringify(problem.toJSON()));
}

/** A problem built from its parts (requests that never reach the generated router: 404s, health). */
export function sendPlainProblem(res: Response, status: number, code: ProblemCode, title: string, detail?: string): void {
  sendProblem(res, new HttpProblem(status, code, title, detail));
}
