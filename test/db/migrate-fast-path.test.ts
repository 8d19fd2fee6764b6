/*
 * app/migrate-all.ts: a start whose code declares the schema the database
 * was last migrated to skips both migrators (their introspection is most of
 * a warm start's data step); any difference runs them as before.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { betterAuthSchemaFingerprint, migrateAll } from "../../src/app/migrate-all.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** Kysely's Migrator recreates its lock table whenever it runs: its absence after a start shows it did not. */
async function lockTableExists(app: TestApp): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`select to_regclass('commerce_migrations_lock') is not null as present`.execute(app.db);
  return rows[0]!.present;
}

describe("migrateAll", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("records Better Auth's declared schema after a full run", async () => {
    const stored = await app.db.selectFrom("schema_fingerprints").selectAll().execute();
    expect(stored).toEqual([{ component: "better-auth", fingerprint: betterAuthSchemaFingerprint(app.auth) }]);
    expect(betterAuthSchemaFingerprint(app.auth)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("skips both migrators when every migration is recorded and the fingerprint matches", async () => {
    await sql`drop table commerce_migrations_lock`.execute(app.db);
    await migrateAll(app.db, app.auth);
    expect(await lockTableExists(app)).toBe(false);
  });

  it("runs them when Better Auth's schema differs from the one last migrated to, and records the new one", async () => {
    await app.db.updateTable("schema_fingerprints").set({ fingerprint: "from an older plugin set" }).execute();
    await migrateAll(app.db, app.auth);
    expect(await lockTableExists(app)).toBe(true);
    const [row] = await app.db.selectFrom("schema_fingerprints").select("fingerprint").execute();
    expect(row?.fingerprint).toBe(betterAuthSchemaFingerprint(app.auth));
  });

  it("runs them when a migration of ours is not recorded (a database from an older version)", async () => {
    await sql`drop table commerce_migrations_lock`.execute(app.db);
    // As if 0015 had not run yet: its table gone, its record gone; the migrator must make both again.
    await sql`delete from commerce_migrations where name = '0015-schema-fingerprints'`.execute(app.db);
    await sql`drop table schema_fingerprints`.execute(app.db);
    await migrateAll(app.db, app.auth);
    expect(await lockTableExists(app)).toBe(true);
    const [row] = await app.db.selectFrom("schema_fingerprints").select("fingerprint").execute();
    expect(row?.fingerprint).toBe(betterAuthSchemaFingerprint(app.auth));
  });
});
