import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import { type ListenHandlers, listenPglite, listenPostgres, type Subscription } from "./notifications.js";
import type { Database } from "./schema.js";
import { isStaleStatement, StatementNames } from "./statement-names.js";

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
  /**
   * Run repeated statements as named prepared statements (see statement-names.ts). Default true;
   * false for a pooler that moves sessions between server connections (PgBouncer's transaction mode before 1.21).
   */
  readonly preparedStatements?: boolean;
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
    watchConnectionErrors(pool, options.onConnectionError ?? (() => undefined), options.preparedStatements ?? true);
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
function watchConnectionErrors(pool: pg.Pool, report: (error: Error) => void, preparedStatements: boolean): void {
  // Every connection's own listener reports (idle or not); the pool re-emits an idle one's error here.
  pool.on("connect", (client) => {
    client.on("error", (error) => report(error));
    queryThroughCallbacks(client, preparedStatements ? new StatementNames() : undefined);
  });
  pool.on("error", () => undefined);
}

type QueryMethod = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes `client.query(sql, values)` without a callback (the form Kysely and
 * so every query of ours uses) run through pg's callback form, with the
 * promise made here: same result, same errors, same stack-trace rewrite.
 *
 * Why: with pg 8.23's own promise form, everything a query produces (its
 * rows, their strings and Dates, and the request that awaited it) survives
 * two young-generation collections and is promoted to V8's old generation,
 * where only a full collection frees it. Measured (--trace-gc-nvp, issue #15
 * target 6): 15.6 KB promoted per `GET /v1/products?limit=20` with one
 * connection, ~16 MB/s at load, so the old generation grew ~190 MB between
 * full collections and RSS reached 375-570 MB with ~50 MB live. Through the
 * callback form: 0.02 KB per request; `npm run bench:memory` (60 s at 50
 * connections, 3 interleaved rounds, medians): RSS 384 → 242 MB, list
 * 1,526 → 1,972 req/s, p99 123 → 82 ms. A 30-line script with a bare pg.Pool
 * shows the same on Node 20 and 24 (connect + `await client.query(sql,
 * values)` + release: ~10 KB promoted per 21-row query; the callback form
 * with a promise around it: 0.1 KB; `pool.query`, callback form inside: 0.1 KB).
 * What in pg's promise path keeps them reachable that long is not pinned
 * down (not its `.catch`, not where the promise is made); the objects are
 * not reachable in a heap snapshot, so it is likely a dead promoted object
 * still pointing at them.
 *
 * Query objects (`config.submit`: cursors, streams) and calls that pass a
 * callback go to pg unchanged.
 *
 * With `names`, a text with parameters runs as the named statement they give
 * it (statement-names.ts). One that went stale (a migration changed its
 * table's columns) makes the connection forget its names; outside a
 * transaction the query then runs again at once, parsed afresh, so the caller
 * never sees it. Inside one the transaction is already aborted: the error
 * goes to the caller (a 503, see connection-errors.ts), whose retry finds the new names.
 */
export function queryThroughCallbacks(client: pg.ClientBase, names?: StatementNames): void {
  const query = client.query as unknown as QueryMethod;
  const throughCallback: QueryMethod = function (this: pg.ClientBase, config, values, callback) {
    const withCallback = callback !== undefined || typeof values === "function";
    const queryObject =
      typeof config === "object" &&
      config !== null &&
      (typeof (config as { submit?: unknown }).submit === "function" || (config as { callback?: unknown }).callback !== undefined);
    // A null config goes through too: pg throws its TypeError.
    if (withCallback || queryObject || config == null) return query.call(this, config, values, callback);
    const name = names && typeof config === "string" && Array.isArray(values) && values.length > 0 ? names.nameOf(config) : undefined;
    const run = (named: string | undefined) =>
      new Promise((resolve, reject) => {
        const callback = (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result));
        if (named === undefined) query.call(this, config, values, callback);
        else query.call(this, { name: named, text: config, values }, undefined, callback);
      });
    // As pg does: a stack leading back to the caller rather than to TCP.onStreamRead.
    const rethrow = (error: unknown): never => {
      if (error instanceof Error) Error.captureStackTrace(error);
      throw error;
    };
    // One catch per query, the hot path's only extra promise; the stale-statement retry lives inside it.
    return run(name).catch((error: unknown) => {
      if (name === undefined || !isStaleStatement(error)) return rethrow(error);
      names!.forget();
      // "I": idle, no transaction open (it would be "E", failed): nothing ran, so running it again is safe.
      if ((this as pg.Client).getTransactionStatus?.() !== "I") return rethrow(error);
      return run(names!.nameOf(config as string)).catch(rethrow);
    });
  };
  (client as unknown as { query: QueryMethod }).query = throughCallback;
}
