import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Every refund and cancellation reads an order's budget entries by
 * `order_id` (services/agent-limits/budget-restore.ts), inside the
 * transaction that holds the order's lock. 0010's indexes all lead with
 * other columns, so that read scanned every ledger row of the store; this
 * one serves it, and finds "no entries" at once for orders no agent placed.
 */
export const budgetEntriesByOrder: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex("agent_budget_entries_order_idx")
      .on("agent_budget_entries")
      .columns(["organization_id", "order_id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("agent_budget_entries_order_idx").execute();
  },
};
