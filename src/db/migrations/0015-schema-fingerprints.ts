import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * What start-up last migrated to, per component whose schema is declared in
 * code (`better-auth`: the tables Better Auth and its plugins declare), so a
 * start whose code declares the same schema skips the migrators' database
 * introspection (see app/migrate-all.ts).
 */
export const schemaFingerprints: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("schema_fingerprints")
      .addColumn("component", "text", (column) => column.primaryKey())
      .addColumn("fingerprint", "text", (column) => column.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("schema_fingerprints").execute();
  },
};
