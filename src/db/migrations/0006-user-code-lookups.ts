import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Wrong codes a signed-in user typed on the device page without naming an
 * agent (the plain verification URL): such a lookup cannot be counted
 * against one approval request, so it is counted per user, in a window.
 */
export const userCodeLookups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("user_code_lookup_failures")
      .addColumn("user_id", "text", (column) => column.primaryKey())
      .addColumn("failures", "integer", (column) => column.notNull())
      .addColumn("window_started_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("user_code_lookup_failures").execute();
  },
};
