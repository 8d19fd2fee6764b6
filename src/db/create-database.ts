import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import { type ListenHandlers, listenPglite, listenPostgres, type Subscription } from "./notifications.js";
import type { Database } from "./schema.js";

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  readonly url?: string | undefined;
  /** Largest number of pooled PostgreSQL connections. */
  readonly poolSize?: number;
  /** Where PGlite keeps its files; `undefined` keeps it in memory (tests). */
  readonly dataDir?: string | undefined;
  /** Longest wait for a pooled connection (a free one, or a new one to open), ms. Default 1500. */
  readonly connectTimeoutMs?: number;
  /** Told about connections lost outside any query (server restarted, network cut); they are replaced on demand. */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * A request needing a connection fails after this long rather than hang, so
 * callers get a 503 within ~2 s while the server is unreachable (a refused
 * connect fails at once; this bounds blackholed networks and a saturated pool).
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 1_500;
/** Idle connections are closed after this long: a burst's extra connections do not linger on the server. */
const IDLE_TIMEOUT_MS = 30_000;
/**
 * PostgreSQL ends a session of ours that sits inside a transaction without
 * running a statement for this long (`idle_in_transaction_session_timeout`).
 * Our transactions run their statements back to back (no outside calls in
 * between), so a gap this long means the client is gone without closing its
 * connection: its machine died or the network was cut (a killed process's
 * connection is closed by its OS at once). Until then that transaction holds
 * its locks: an `Idempotency-Key`'s claim (duplicates answer 409 in progress
 * meanwhile), product and cart rows. 10 s is far above any pause of a live
 * process (garbage collection, a busy event loop) and bounds that.
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: "postgres" | "pglite";
  /** LISTEN for NOTIFYs on a channel (used to invalidate caches when auth data changes). */
  listen(channel: string, handlers: ListenHandlers): Promise<Subscription>;
  /** Closes the pool (PostgreSQL) or the embedded database (PGlite). */
  close(): Promise<void>;
}

/**
 * Opens the database: PostgreSQL through `pg` when a URL is given, otherwise
 * embedded PGlite (persisted in `dataDir`), so `npm start` needs no server.
 * Both speak PostgreSQL, so one set of queries and migrations serves both.
 */
export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
      // TCP keepalive: a peer that vanished without closing (failover, cut network) is noticed.
      keepAlive: true,
      // Sent as a start-up parameter of every pooled connection (the LISTEN and start-up lock sessions are not pooled).
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    });
    watchConnectionErrors(pool, options.onConnectionError ?? (() => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const url = options.url;
    return { db, kind: "postgres", listen: (channel, handlers) => listenPostgres(url, channel, handlers), close: () => db.destroy() };
  }
  // pg_trgm: the catalog search indexes (migration 0012); PGlite ships it as a loadable extension.
  // (Options as one object: with `new PGlite(undefined, { extensions })` CREATE EXTENSION finds nothing.)
  const pglite = new PGlite({ dataDir: options.dataDir, extensions: { pg_trgm } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: "pglite",
    listen: (channel, handlers) => listenPglite(pglite, channel, handlers),
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * `pg` emits "error" when a connection dies while nobody awaits it: an idle
 * pooled one (on the pool) or a checked-out one between statements (on the
 * client). An "error" event without a listener throws and ends the process,
 * so both get one. Nothing else is needed to recover: the pool drops a
 * broken connection (idle, or at release) and opens a new one for the next
 * request, and the statement that was running rejects, so its request
 * answers 503 (see http/database-unavailable.ts).
 */
function watchConnectionErrors(pool: pg.Pool, report: (error: Error) => void): void {
  // Every connection's own listener reports (idle or not); the pool re-emits an idle one's error here.
  pool.on("connect", (client) => client.on("error", (error) => report(error)));
  pool.on("error", () => undefined);
}
