import type { ErrorRequestHandler } from "express";
import type { HttpProblem } from "../../generated/routes.js";
import { isConnectionError } from "../db/connection-errors.js";
import { sendProblem } from "./problem-responses.js";
import { httpProblem } from "./problem-titles.js";

/**
 * Seconds a client should wait before retrying while the database is away.
 * Short: a restart or failover takes seconds, and the pool reconnects on the
 * first request after it, so a longer wait only lengthens the outage callers see.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** The answer to any request the database could not serve: 503, `database_unavailable`, Retry-After. */
export function databaseUnavailable(): HttpProblem {
  return httpProblem(
    503,
    "database_unavailable",
    "The database cannot be reached right now. Retry after the Retry-After delay; send the same Idempotency-Key where the operation takes one.",
    undefined,
    { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) },
  );
}

/** The 503 problem for a database connection failure; undefined for any other error (those stay 500s). */
export function problemOfDatabaseFault(error: unknown): HttpProblem | undefined {
  return isConnectionError(error) ? databaseUnavailable() : undefined;
}

/**
 * Last error handler of the app (merchant pages, discovery, anything outside
 * the generated router): a database fault becomes the 503 problem; other
 * errors go on to Express's handler unchanged.
 */
export function databaseFaultHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    const problem = problemOfDatabaseFault(error);
    if (!problem || res.headersSent) return next(error);
    sendProblem(res, problem);
  };
}
