import type { Response } from "express";

/** A problem+json answer for requests that never reach the generated router (404s, health). */
export function sendPlainProblem(res: Response, status: number, code: string, title: string, detail?: string): void {
  res
    .status(status)
    .type("application/problem+json")
    .send(JSON.stringify({ type: `/problems/${code}`, title, status, code, ...(detail ? { detail } : {}) }));
}
