import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Counts failed password sign-ins per account (lower-cased email), so
 * guessing is cut off per account and not only per address: the counter must
 * be shared by every process, hence PostgreSQL. Keyed by email, not user id:
 * unknown emails are counted the same way, or the lock would tell who has an
 * account. Rows expire with their window and are purged as failures come in
 * (see sign-in-failures.ts), hence the index on updated_at.
 * Unlogged: every sign-in writes here twice, and a WAL flush per write cost
 * ~4 ms each on our PostgreSQL (scripts/bench-sign-in.ts). The price: the
 * counts (not users' data) are emptied by a database crash or failover, the
 * same as losing a Redis holding them; a clean restart keeps them.
 */
export const signInFailures: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("sign_in_failures")
      .modifyFront(sql`unlogged`)
      .addColumn("email", "text", (column) => column.primaryKey())
      .addColumn("failures", "integer", (column) => column.notNull())
      .addColumn("window_started_at", "timestamptz", (column) => column.notNull())
      .addColumn("locked_until", "timestamptz")
      .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex("sign_in_failures_updated_at").on("sign_in_failures").column("updated_at").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("sign_in_failures").execute();
  },
};
