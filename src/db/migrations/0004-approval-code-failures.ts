import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Counts wrong user codes per agent approval request, so guessing is cut off
 * per request (5 tries, then the request is dead) and not only per IP as the
 * plugin does. Not a foreign key: the plugin's tables may be absent in
 * service-only test databases, and rows die with their request anyway
 * (purged with it, see approval-code-failures.ts).
 */
export const approvalCodeFailures: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("approval_code_failures")
      .addColumn("approval_request_id", "text", (column) => column.primaryKey())
      .addColumn("failures", "integer", (column) => column.notNull())
      .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("approval_code_failures").execute();
  },
};
