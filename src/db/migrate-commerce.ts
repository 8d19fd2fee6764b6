import type { Kysely } from "kysely";
import { type MigrationResultSet, Migrator } from "kysely/migration";
import { commerceMigrations } from "./migrations/index.js";

/** Runs our pending Kysely migrations; throws with the failing migration's name. (Kysely<any>: migrations work on any typed instance.) */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on any typed instance (the server's, the tests', the scripts').
export async function migrateCommerce(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => commerceMigrations },
    migrationTableName: "commerce_migrations",
    migrationLockTableName: "commerce_migrations_lock",
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((item) => item.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
