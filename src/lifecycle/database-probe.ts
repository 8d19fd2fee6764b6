import { sql } from "kysely";
import { isConnectWaitTimeout } from "../db/connection-errors.js";
import type { DatabaseHandle } from "../db/create-database.js";
import { StartUpError } from "./start-up-error.js";

/** How long start-up waits for the embedded database to open (a first start creates it: a few seconds). */
export const PGLITE_PROBE_TIMEOUT_MS = 30_000;

export type DatabaseTarget = { readonly kind: "postgres"; readonly url: string } | { readonly kind: "pglite"; readonly dataDir: string };

/**
 * Runs `select 1` before anything else touches the database, with a deadline:
 * migrations against an unreachable server fail with a 20-line driver stack
 * (refused) or wait forever (a server or firewall that never answers; pg's
 * pool has no connect timeout by default). The error names the server
 * without its password and says what to check.
 */
export async function probeDatabase(database: DatabaseHandle, target: DatabaseTarget, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([selectOneUntil(database, Date.now() + timeoutMs), deadline]);
    if (outcome === "timeout") throw new StartUpError(timeoutMessage(target, timeoutMs));
  } catch (error) {
    if (error instanceof StartUpError) throw error;
    throw new StartUpError(failureMessage(target, error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `select 1`, tried again while the pool only gave up waiting for a
 * connection (its DATABASE_CONNECT_TIMEOUT_MS is shorter than the start-up
 * deadline, so a silent server would otherwise be reported as a pool timeout).
 */
async function selectOneUntil(database: DatabaseHandle, deadlineAt: number): Promise<"ok"> {
  for (;;) {
    try {
      await sql`select 1`.execute(database.db);
      return "ok";
    } catch (error) {
      if (!isConnectWaitTimeout(error) || Date.now() >= deadlineAt) throw error;
    }
  }
}

function timeoutMessage(target: DatabaseTarget, timeoutMs: number): string {
  const seconds = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`;
  if (target.kind === "pglite")
    return `the embedded database in ${target.dataDir} did not open within ${seconds}; check DATA_DIR (disk, permissions) or set DATABASE_URL`;
  return `${describePostgres(target.url)} did not answer within ${seconds}; check that DATABASE_URL names a running server this machine can reach (or raise DATABASE_STARTUP_TIMEOUT_MS)`;
}

/** PostgreSQL SQLSTATEs and socket errors an operator meets at start-up, with what to do. */
function failureMessage(target: DatabaseTarget, error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const detail = typeof message === "string" ? message.split("\n")[0] : String(error);
  if (target.kind === "pglite") {
    return `the embedded database in ${target.dataDir} cannot be opened (${detail}); if DATA_DIR holds files from another PGlite version or a damaged database, move them away, or set DATABASE_URL`;
  }
  const server = describePostgres(target.url);
  switch (code) {
    case "ECONNREFUSED":
      return `cannot connect to ${server}: connection refused; start PostgreSQL or fix DATABASE_URL`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot connect to ${server}: host name not found; fix the host in DATABASE_URL`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `cannot connect to ${server}: the host is unreachable (${code}); check DATABASE_URL and the network`;
    case "28P01":
    case "28000":
      return `${server} refused the credentials (${detail}); fix the user or password in DATABASE_URL`;
    case "3D000":
      return `${server}: ${detail}; create it (createdb) or fix the database name in DATABASE_URL`;
    case "57P03":
      return `${server} is starting up or shutting down (${detail}); try again shortly`;
    case "53300":
      return `${server} has no free connections (${detail}); lower DATABASE_POOL_SIZE or raise max_connections`;
    default:
      return `cannot use ${server}: ${detail}${typeof code === "string" ? ` (${code})` : ""}; check DATABASE_URL`;
  }
}

/** "PostgreSQL at host:port/database as user": never the password, nor the query string (it may carry one). */
export function describePostgres(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || "the local socket";
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(default database)";
    const user = parsed.username ? ` as ${decodeURIComponent(parsed.username)}` : "";
    return `PostgreSQL at ${host}:${parsed.port || "5432"}/${database}${user}`;
  } catch {
    return "the PostgreSQL server of DATABASE_URL";
  }
}
