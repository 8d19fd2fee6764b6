import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Merchant-set limits per agent (issue #11) and the budget ledger.
 *
 * `agent_limits`: one row per (store, agent), written only by the merchant's
 * pages. Order placement locks it (`for update`) before reading the ledger, so
 * concurrent orders of one agent are charged one after another.
 *
 * `agent_budget_entries`: the audit trail and the budget's arithmetic. An order
 * an agent places is one `consume` row; each refund of it (a cancellation is
 * a refund of what is left) is one `restore` row tied to that refund. Every row
 * carries the consumption's time (`order_consumed_at`), so "spent in the last
 * 24 hours" is one sum over a window that also sees restores of those orders.
 * The unique keys make a consumption happen once per order and a restore once
 * per refund; the check keeps restores apart from consumptions. Rows are never
 * updated or deleted.
 */
export const agentLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("agent_limits")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("agent_id", "text", (column) => column.notNull())
      .addColumn("currency", "char(3)")
      .addColumn("max_order_amount", "bigint", (column) => column.check(sql`max_order_amount > 0`))
      .addColumn("max_line_quantity", "integer", (column) => column.check(sql`max_line_quantity > 0`))
      .addColumn("budget_amount", "bigint", (column) => column.check(sql`budget_amount > 0`))
      // Null: the budget counts every order ever placed ("in total").
      .addColumn("budget_window_seconds", "integer", (column) => column.check(sql`budget_window_seconds > 0`))
      .addColumn("grants_expire_at", "timestamptz")
      .addColumn("updated_by", "text", (column) => column.notNull())
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("agent_limits_pkey", ["organization_id", "agent_id"])
      // Money limits are meaningless without their currency.
      .addCheckConstraint(
        "agent_limits_money_has_currency",
        sql`(max_order_amount is null and budget_amount is null) or currency is not null`,
      )
      .execute();

    await db.schema
      .createTable("agent_budget_entries")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("agent_id", "text", (column) => column.notNull())
      .addColumn("order_id", "uuid", (column) => column.notNull())
      .addColumn("refund_id", "uuid")
      .addColumn("kind", "text", (column) => column.notNull().check(sql`kind in ('consume', 'restore')`))
      .addColumn("amount", "bigint", (column) => column.notNull().check(sql`amount > 0`))
      .addColumn("currency", "char(3)", (column) => column.notNull())
      .addColumn("order_consumed_at", "timestamptz", (column) => column.notNull())
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("agent_budget_entries_pkey", ["organization_id", "id"])
      .addForeignKeyConstraint("agent_budget_entries_order_fk", ["organization_id", "order_id"], "orders", ["organization_id", "id"])
      .addForeignKeyConstraint("agent_budget_entries_refund_fk", ["organization_id", "refund_id"], "refunds", ["organization_id", "id"])
      .addCheckConstraint("agent_budget_entries_restore_has_refund", sql`(kind = 'consume') = (refund_id is null)`)
      .execute();
    await sql`create unique index agent_budget_entries_consume_once on agent_budget_entries (organization_id, order_id) where kind = 'consume'`.execute(
      db,
    );
    await sql`create unique index agent_budget_entries_restore_once on agent_budget_entries (organization_id, refund_id) where kind = 'restore'`.execute(
      db,
    );
    await db.schema
      .createIndex("agent_budget_entries_window_idx")
      .on("agent_budget_entries")
      .columns(["organization_id", "agent_id", "order_consumed_at"])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("agent_budget_entries").execute();
    await db.schema.dropTable("agent_limits").execute();
  },
};
