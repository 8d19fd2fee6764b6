import type { Response } from "express";
import { withProtocolFields } from "../../generated/routes.js";

/** A problem+json answer for requests that never reach the generated router (404s, health), with the protocol's `error`/`message`. */
export function sendPlainProblem(res: Response, status: number, code: string, title: string, detail?: string): void {
  res
    .status(status)
    .type("application/problem+json")
    .send(JSON.stringify(withProtocolFields({ type: `/problems/${code}`, title, status, code, ...(detail ? { detail } : {}) })));
}
