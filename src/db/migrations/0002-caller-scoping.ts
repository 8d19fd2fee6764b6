import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The contract scopes two things to the caller, not only to the store:
 * `listOrders`/`getOrder` return the orders "placed with the caller's
 * credentials", and idempotency keys are "remembered per store and caller".
 * 0001 had no column for either, so:
 *
 * - `orders.placed_by`: the caller that placed the order, with a keyset index
 *   `(organization_id, placed_by, created_at, id)` for the storefront list.
 *   Rows from before this migration get '' (no caller): only admins see them.
 * - `idempotency_keys.caller` joins the primary key, so two callers of one
 *   store never see each other's responses through a shared key.
 * - `idempotency_keys.claim_token`: set on every claim; the response is only
 *   stored (in the work's own transaction) while the token still matches, so
 *   a claim taken over after a crash can never commit the work twice.
 * - `idempotency_keys.response_body` becomes text: jsonb reorders object
 *   keys, and a replay should be byte-for-byte the first response.
 */
export const callerScoping: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("orders")
      .addColumn("placed_by", "text", (column) => column.notNull().defaultTo(""))
      .execute();
    await db.schema
      .alterTable("orders")
      .alterColumn("placed_by", (column) => column.dropDefault())
      .execute();
    await db.schema
      .createIndex("orders_caller_list_idx")
      .on("orders")
      .columns(["organization_id", "placed_by", "created_at", "id"])
      .execute();

    await db.schema
      .alterTable("idempotency_keys")
      .addColumn("caller", "text", (column) => column.notNull().defaultTo(""))
      .execute();
    await db.schema
      .alterTable("idempotency_keys")
      .alterColumn("caller", (column) => column.dropDefault())
      .execute();
    await db.schema
      .alterTable("idempotency_keys")
      .addColumn("claim_token", "uuid", (column) => column.notNull().defaultTo(sql`gen_random_uuid()`))
      .execute();
    await db.schema.alterTable("idempotency_keys").dropConstraint("idempotency_keys_pkey").execute();
    await db.schema
      .alterTable("idempotency_keys")
      .addPrimaryKeyConstraint("idempotency_keys_pkey", ["organization_id", "caller", "key"])
      .execute();
    await sql`alter table idempotency_keys alter column response_body type text using response_body::text`.execute(db);
  },

  async down(db: Kysely<unknown>) {
    await sql`alter table idempotency_keys alter column response_body type jsonb using response_body::jsonb`.execute(db);
    await db.schema.alterTable("idempotency_keys").dropConstraint("idempotency_keys_pkey").execute();
    await db.deleteFrom("idempotency_keys" as never).execute();
    await db.schema.alterTable("idempotency_keys").dropColumn("claim_token").dropColumn("caller").execute();
    await db.schema.alterTable("idempotency_keys").addPrimaryKeyConstraint("idempotency_keys_pkey", ["organization_id", "key"]).execute();
    await db.schema.dropIndex("orders_caller_list_idx").execute();
    await db.schema.alterTable("orders").dropColumn("placed_by").execute();
  },
};
