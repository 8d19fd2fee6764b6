import { createHash } from "node:crypto";
import { getSchema } from "better-auth/db";
import { getMigrations } from "better-auth/db/migration";
import { type Kysely, sql } from "kysely";
import type { Auth } from "../auth/create-auth.js";
import { migrateCommerce } from "../db/migrate-commerce.js";
import { commerceMigrations } from "../db/migrations/index.js";
import type { Database } from "../db/schema.js";

/**
 * Creates or upgrades every table: Better Auth's (users, sessions,
 * organizations, members, API keys… as its plugins declare them) through its
 * programmatic migrator, then ours through Kysely's Migrator.
 *
 * Both migrators introspect the database before they know there is nothing
 * to do (~250 ms of a warm start on PGlite, measured; issue #15's start and
 * dev-reload targets). So a start first checks, in two small queries, that
 * every one of our migrations is recorded and that Better Auth's declared
 * schema is the one last migrated to (its fingerprint, stored after a full
 * run); only then does it skip both. Anything else (a new migration, a plugin
 * added or upgraded, a first start) runs the migrators as before.
 */
export async function migrateAll(db: Kysely<Database>, auth: Auth): Promise<void> {
  const authFingerprint = betterAuthSchemaFingerprint(auth);
  if (await isMigrated(db, authFingerprint)) return;
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  await migrateCommerce(db);
  await db
    .insertInto("schema_fingerprints")
    .values({ component: "better-auth", fingerprint: authFingerprint })
    .onConflict((conflict) => conflict.column("component").doUpdateSet({ fingerprint: authFingerprint }))
    .execute();
}

/**
 * A hash of the tables Better Auth and its plugins declare: names, columns
 * and their types, constraints, references and indexes (not defaults or
 * validators, which are code and never reach the database's schema).
 */
export function betterAuthSchemaFingerprint(auth: Auth): string {
  const tables = getSchema(auth.options);
  const declared = Object.keys(tables)
    .sort()
    .map((table) => {
      const { fields, indexes } = tables[table]!;
      const columns = Object.keys(fields)
        .sort()
        .map((name) => {
          const { type, required, unique, references, index, fieldName, bigint } = fields[name]!;
          return [
            name,
            fieldName,
            type,
            required,
            unique,
            index,
            bigint,
            references && [references.model, references.field, references.onDelete],
          ];
        });
      return [table, columns, indexes ?? []];
    });
  return createHash("sha256").update(JSON.stringify(declared)).digest("hex");
}

/** True when all our migrations are recorded (and no others) and Better Auth's last migrated schema is `authFingerprint`. */
async function isMigrated(db: Kysely<Database>, authFingerprint: string): Promise<boolean> {
  const ours = Object.keys(commerceMigrations);
  // to_regclass: no error (which would abort a transaction on PGlite's one connection) before the first start made them.
  const { rows: exist } = await sql<{ ready: boolean }>`select to_regclass('commerce_migrations') is not null
      and to_regclass('schema_fingerprints') is not null as ready`.execute(db);
  if (!exist[0]?.ready) return false;
  const { rows } = await sql<{ recorded: number; known: number; fingerprint: string | null }>`select
      (select count(*)::int from commerce_migrations) as recorded,
      (select count(*)::int from commerce_migrations where name = any(${ours})) as known,
      (select fingerprint from schema_fingerprints where component = 'better-auth') as fingerprint`.execute(db);
  const state = rows[0];
  return state !== undefined && state.recorded === ours.length && state.known === ours.length && state.fingerprint === authFingerprint;
}
