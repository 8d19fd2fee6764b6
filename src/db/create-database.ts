import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import { listenPglite, listenPostgres, type ListenHandlers, type Subscription } from "./notifications.js";
import type { Database } from "./schema.js";

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  readonly url?: string | undefined;
  /** Largest number of pooled PostgreSQL connections. */
  readonly poolSize?: number;
  /** Where PGlite keeps its files; `undefined` keeps it in memory (tests). */
  readonly dataDir?: string | undefined;
}

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
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const url = options.url;
    return { db, kind: "postgres", listen: (channel, handlers) => listenPostgres(url, channel, handlers), close: () => db.destroy() };
  }
  const pglite = new PGlite(options.dataDir);
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
