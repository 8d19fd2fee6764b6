/**
 * Tells "the database cannot be reached right now" apart from every other
 * failure, so callers can answer 503 (retry later) instead of 500 (our bug).
 * One list, read by the HTTP layer (/v1, pages, capability/execute, Better
 * Auth's routes), the idempotency service and the start-up probe.
 *
 * What counts is the connection, never the statement: a unique violation or
 * a syntax error means the database answered, so it stays a 4xx/500. (One
 * statement error counts: a prepared statement the connection must parse
 * again, which a retry of the request does.)
 */

import { isStaleStatement } from "./statement-names.js";

/** Node socket errors of the driver's connection (refused while restarting, reset when the server dies, ...). */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs that mean the server will not (or no longer) serve this session:
 * 57P01 admin_shutdown (fast stop), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up, shutting down, recovering), 53300
 * too_many_connections. Class 08 (connection exception) is matched whole.
 */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/**
 * `pg` reports a dropped socket and its pool timeout by message only (no code):
 * "Connection terminated unexpectedly", "Connection terminated due to
 * connection timeout", "timeout exceeded when trying to connect", and a
 * client marked broken after either.
 */
const MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)/;

/** pg's messages when no connection came within the connect timeout (from the pool, or the client it opened). */
const CONNECT_WAIT_TIMEOUT = /^(timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;

/** True when `error` only says pg gave up waiting for a connection (the server may still come, e.g. at start-up). */
export function isConnectWaitTimeout(error: unknown): boolean {
  return CONNECT_WAIT_TIMEOUT.test(String((error as { message?: unknown } | null)?.message));
}

/** Causes are followed this deep: wrappers (Better Auth, Kysely, AggregateError) rarely nest more. */
const MAX_DEPTH = 5;

/** True when `error` (or what it wraps) says the database connection failed or could not be made. */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== "object" || error === null) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === "string" && MESSAGES.test(message)) return true;
  // A connection's prepared statement gone stale inside a transaction (a migration changed a table): the
  // connection has forgotten its statement names (see queryThroughCallbacks), so the caller's retry runs.
  if (isStaleStatement(error)) return true;
  // Node reports a refused dual-stack connect (localhost → ::1 and 127.0.0.1) as an AggregateError of both.
  if (Array.isArray(errors) && errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return isConnectionError(cause, depth + 1);
}

/**
 * For a `.catch()` where any failure used to mean "no" (unknown key, no
 * session): a database outage is rethrown, so the caller answers 503 instead
 * of a wrong 401 or a signed-out page; any other error gives `fallback`.
 */
export function fallbackUnlessDatabaseDown<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (isConnectionError(error)) throw error;
    return fallback;
  };
}
