import { sql } from "kysely";
import pg from "pg";
import type { AppConfig } from "../config/env.js";
import type { DatabaseHandle } from "../db/create-database.js";
import type { Logger } from "../logging/logger.js";

/**
 * The PostgreSQL advisory lock key of the start-up data step: the bytes of
 * "commerce" read as a bigint. Fixed, so every instance of every version takes
 * the same lock; a string, because it does not fit a JavaScript number.
 */
export const STARTUP_LOCK_KEY = "7165065848790606693";

/** The line logged when another instance holds the lock (the tests look for it). */
export const WAITING_FOR_STARTUP_LOCK = "waiting for another instance to finish migrating and seeding the database";

/** Where the lock is taken: the database, and its URL when it is a PostgreSQL server. */
export interface StartUpLockTarget {
  readonly database: Pick<DatabaseHandle, "db" | "kind">;
  /** The PostgreSQL URL (config.databaseUrl); undefined for the embedded database. */
  readonly url: string | undefined;
  /** Longest wait for the lock's connection to open, ms. */
  readonly connectTimeoutMs?: number;
}

/** The lock of the configured database (what `npm start` and the db scripts take). */
export function lockTarget(config: AppConfig, database: Pick<DatabaseHandle, "db" | "kind">): StartUpLockTarget {
  return { database, url: config.databaseUrl, connectTimeoutMs: config.databaseStartupTimeoutMs };
}

/**
 * Runs the start-up data step (Better Auth's migrations, ours, "seed if
 * empty") while holding a PostgreSQL advisory lock, so that instances starting
 * together on one database take turns: the first migrates (and seeds), the
 * others wait, then find nothing left to do. Kysely's Migrator has a lock of
 * its own, but Better Auth's migrator and the seed's "is it empty?" check have
 * none.
 *
 * An advisory lock belongs to the session that took it, so lock, wait and
 * unlock must use one connection. On PostgreSQL that is a connection of its
 * own, outside the pool: a pooled one would leave the work one connection
 * short (with DATABASE_POOL_SIZE=1, none), and pool queries may land on any
 * connection. If this process dies, PostgreSQL ends the session and the lock
 * goes with it. The embedded PGlite database is one process with one session,
 * which every query shares: the lock is taken there too (re-entrant, never
 * waited for), so both databases run the same code path.
 *
 * Logs WAITING_FOR_STARTUP_LOCK once when another instance holds the lock.
 */
export async function withStartUpLock<T>(target: StartUpLockTarget, logger: Logger, work: () => Promise<T>): Promise<T> {
  const session = await openLockSession(target);
  try {
    if (!(await session.query(`select pg_try_advisory_lock(${STARTUP_LOCK_KEY}) as locked`))) {
      logger.info({ lockKey: STARTUP_LOCK_KEY }, WAITING_FOR_STARTUP_LOCK);
      const started = Date.now();
      await session.query(`select pg_advisory_lock(${STARTUP_LOCK_KEY})`);
      logger.debug({ waitedMs: Date.now() - started }, "start-up lock taken");
    }
    try {
      return await work();
    } finally {
      await session.query(`select pg_advisory_unlock(${STARTUP_LOCK_KEY}) as locked`);
    }
  } finally {
    await session.close();
  }
}

interface LockSession {
  /** Runs a statement; true when its first row has `locked` true. */
  query(statement: string): Promise<boolean>;
  close(): Promise<void>;
}

async function openLockSession(target: StartUpLockTarget): Promise<LockSession> {
  if (target.database.kind === "pglite" || target.url === undefined) {
    const { db } = target.database;
    return {
      async query(statement) {
        const { rows } = await sql.raw<{ locked?: boolean }>(statement).execute(db);
        return rows[0]?.locked === true;
      },
      close: async () => undefined,
    };
  }
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: target.connectTimeoutMs ?? 5_000 });
  // A connection lost while we hold it emits "error"; without a listener that ends the process. The
  // statement in flight (if any) rejects on its own, and the lost session's lock is released by the server.
  client.on("error", () => undefined);
  await client.connect();
  return {
    async query(statement) {
      const { rows } = await client.query<{ locked?: boolean }>(statement);
      return rows[0]?.locked === true;
    },
    close: () => client.end(),
  };
}
