import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/support/free-port.js";
import { SERVER_ARGS } from "../../scripts/support/server-command.js";
import { createServices } from "../../src/app/assemble.js";
import { migrateAll } from "../../src/app/migrate-all.js";
import { DEMO_EMAIL, isEmpty, seedDemo } from "../../src/app/seed-demo.js";
import { STARTUP_LOCK_KEY, WAITING_FOR_STARTUP_LOCK, withStartUpLock } from "../../src/app/startup-lock.js";
import { commerceMigrations } from "../../src/db/migrations/index.js";
import type { Database } from "../../src/db/schema.js";
import { createLogger } from "../../src/logging/logger.js";
import { captureLog } from "../support/capture-log.js";
import { createTestDatabase } from "../support/test-database.js";

/*
 * Issue #14: migrations (Better Auth's and ours) and the demo seed run once per
 * database, even when instances start together (src/app/startup-lock.ts).
 *
 * Both modes: two starts one after the other share the lock's code path
 * (PGlite: one process, one session, the lock is re-entrant and never waited
 * for), the second finds nothing to do, and the lock is released every time.
 * With DATABASE_URL (PostgreSQL): three real server processes start together
 * on one empty database.
 */

const root = path.resolve(import.meta.dirname, "../..");
const postgresUrl = process.env.DATABASE_URL;

// biome-ignore lint/suspicious/noExplicitAny: the checks read tables of both schemas (Better Auth's, ours).
async function migrationState(db: Kysely<any>) {
  const { rows: migrations } = await sql<{ name: string }>`select name from commerce_migrations order by name`.execute(db);
  const { rows: authTables } = await sql<{ name: string | null }>`
    select to_regclass(name)::text as name from (values ('user'), ('session'), ('account'), ('organization'), ('member'), ('apikey')) as t(name)
  `.execute(db);
  const { rows: users } = await sql<{ count: number }>`select count(*)::int as count from "user" where email = ${DEMO_EMAIL}`.execute(db);
  const { rows: stores } = await sql<{ count: number }>`select count(*)::int as count from organization where slug = 'demo-store'`.execute(
    db,
  );
  const { rows: products } = await sql<{ count: number }>`select count(*)::int as count from products`.execute(db);
  return {
    migrations: migrations.map((row) => row.name),
    authTables: authTables.map((row) => row.name),
    demoUsers: users[0]?.count,
    demoStores: stores[0]?.count,
    products: products[0]?.count,
  };
}

const SEEDED_ONCE = {
  migrations: Object.keys(commerceMigrations).sort(),
  authTables: ['"user"', "session", "account", "organization", "member", "apikey"],
  demoUsers: 1,
  demoStores: 1,
  products: 50,
};

/** Advisory locks held or awaited in this database (ours or anyone's): none once a start is over. */
async function advisoryLocks(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from pg_locks
    where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
  `.execute(db);
  return rows[0]!.count;
}

describe(`starting twice, one after the other, on one database (${postgresUrl ? "PostgreSQL" : "PGlite"})`, () => {
  it("migrates and seeds on the first start only, never waits, and releases the lock each time, even on failure", async () => {
    const database = await createTestDatabase();
    try {
      const { auth } = createServices({
        database,
        logger: createLogger("silent"),
        authUrl: "http://127.0.0.1:1",
        secret: "test-secret-test-secret-test-secret-0000",
        trustProxy: false,
      });
      const { logger, lines } = captureLog();
      const target = { database, url: database.url };
      // What main.ts runs under the lock; answers whether it seeded.
      const start = () =>
        withStartUpLock(target, logger, async () => {
          // Really held meanwhile (on PGlite too: its one session holds it).
          expect(await advisoryLocks(database.db)).toBe(1);
          await migrateAll(database.db, auth);
          if (!(await isEmpty(database.db))) return false;
          await seedDemo(auth, database.db);
          return true;
        });

      expect(await start()).toBe(true);
      expect(await advisoryLocks(database.db)).toBe(0);
      expect(await start()).toBe(false);
      expect(await advisoryLocks(database.db)).toBe(0);
      expect(await migrationState(database.db)).toEqual(SEEDED_ONCE);

      // A failing step still unlocks (else every later start would wait forever).
      const failure = new Error("migration failed");
      await expect(withStartUpLock(target, logger, () => Promise.reject(failure))).rejects.toBe(failure);
      expect(await advisoryLocks(database.db)).toBe(0);
      // Nobody else held it: no start waited.
      expect(lines.filter((line) => line.msg === WAITING_FOR_STARTUP_LOCK)).toEqual([]);
    } finally {
      await database.dispose();
    }
  });
});

// Three processes need a database server they can share: PGlite is one process's files.
if (postgresUrl) {
  describe("three server processes starting together on one empty PostgreSQL database", () => {
    interface Instance {
      readonly child: ChildProcess;
      readonly port: number;
      output: string;
    }
    const instances: Instance[] = [];
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let holder: pg.Client;
    let startedAt: number;

    const outputs = () => instances.map((instance, index) => `--- instance ${index} ---\n${instance.output}`).join("\n");
    async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
      const started = Date.now();
      while (!(await predicate())) {
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; server output:\n${outputs()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    beforeAll(async () => {
      database = await createTestDatabase();
      // The test takes the lock first, so every instance must find it taken and wait: the
      // contention is certain, not a matter of timing. All three then race for it at once.
      holder = new pg.Client({ connectionString: database.url });
      await holder.connect();
      await holder.query(`select pg_advisory_lock(${STARTUP_LOCK_KEY})`);
      startedAt = Date.now();
      for (let index = 0; index < 3; index += 1) {
        const port = await freePort();
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: database.url,
          NODE_ENV: "development",
          LOG_LEVEL: "info",
          // One instance with a one-connection pool: the lock's connection is not taken from the pool.
          DATABASE_POOL_SIZE: index === 0 ? "1" : "4",
        };
        delete env.BETTER_AUTH_URL;
        delete env.API_PUBLIC_URL;
        delete env.BETTER_AUTH_SECRET;
        const child = spawn(process.execPath, SERVER_ARGS, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
        const instance: Instance = { child, port, output: "" };
        child.stdout!.on("data", (chunk) => (instance.output += chunk));
        child.stderr!.on("data", (chunk) => (instance.output += chunk));
        instances.push(instance);
      }
    }, 60_000);

    afterAll(async () => {
      for (const { child } of instances) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await holder?.end().catch(() => undefined);
      await database?.dispose();
    });

    it("every instance finds the lock taken and says it waits", async () => {
      await waitFor("all three to wait for the lock", () => instances.every((i) => i.output.includes(WAITING_FOR_STARTUP_LOCK)), 90_000);
      // Still waiting: nothing was migrated behind the lock's back.
      const { rows } = await holder.query<{ count: number }>(
        "select count(*)::int as count from information_schema.tables where table_schema = 'public'",
      );
      expect(rows[0]!.count).toBe(0);
      await holder.query(`select pg_advisory_unlock(${STARTUP_LOCK_KEY})`);
    });

    it("all three then serve, without an error on the way", async () => {
      await waitFor("all three to listen", () => instances.every((i) => i.output.includes("Commerce API on")), 90_000);
      for (const instance of instances) {
        expect(instance.child.exitCode).toBeNull();
        expect((await fetch(`http://127.0.0.1:${instance.port}/healthz`)).status).toBe(200);
        expect(instance.output).not.toMatch(/start-up failed|"level":(50|60)/);
      }
      console.log(`three instances serving ${Date.now() - startedAt} ms after spawning`);
    });

    it("migrated once and seeded one demo store, which exactly one instance announced", async () => {
      expect(await migrationState(database.db)).toEqual(SEEDED_ONCE);
      expect(instances.filter((i) => i.output.includes('Seeded "Demo Store"'))).toHaveLength(1);
      expect(await advisoryLocks(database.db)).toBe(0);
    });

    it("all three stop cleanly on SIGTERM", async () => {
      const exits = instances.map(({ child }) =>
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve(`already exited (${child.exitCode ?? child.signalCode})`)
          : new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))),
      );
      for (const { child } of instances) child.kill("SIGTERM");
      expect(await Promise.all(exits)).toEqual([0, 0, 0]);
    });
  });
}
