import { getMigrations } from "better-auth/db/migration";
import type { Kysely } from "kysely";
import type { Auth } from "../auth/create-auth.js";
import { migrateCommerce } from "../db/migrate-commerce.js";
import type { Database } from "../db/schema.js";

/**
 * Creates or upgrades every table: Better Auth's (users, sessions,
 * organizations, members, API keys… as its plugins declare them) through its
 * programmatic migrator, then ours through Kysely's Migrator.
 */
export async function migrateAll(db: Kysely<Database>, auth: Auth): Promise<void> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  await migrateCommerce(db);
}
