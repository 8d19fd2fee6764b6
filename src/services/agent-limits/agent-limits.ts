import { sql } from "kysely";
import { toAmount } from "../../db/schema.js";
import type { TenantScope } from "../../db/tenant-scope.js";

/** What a merchant allows one agent in one store; null: no such limit. */
export interface AgentLimits {
  /** The currency of `maxOrderAmount` and `budgetAmount`. */
  readonly currency: string | null;
  /** Largest order total, in minor units. */
  readonly maxOrderAmount: number | null;
  /** Largest quantity of one cart or order line. */
  readonly maxLineQuantity: number | null;
  /** What the agent's orders may add up to within the window, in minor units. */
  readonly budgetAmount: number | null;
  /** The budget's rolling window in seconds; null: every order counts ("in total"). */
  readonly budgetWindowSeconds: number | null;
  /** After this, none of the agent's grants count (applied to the plugin's grant rows). */
  readonly grantsExpireAt: Date | null;
}

export const NO_LIMITS: AgentLimits = {
  currency: null,
  maxOrderAmount: null,
  maxLineQuantity: null,
  budgetAmount: null,
  budgetWindowSeconds: null,
  grantsExpireAt: null,
};

/** Whether the limits hold nothing (then no row is kept). */
export function isUnlimited(limits: AgentLimits): boolean {
  return Object.values(limits).every((value) => value === null);
}

/**
 * The agent's limits in the scope's store, or null without any. With `lock`
 * the row stays locked (`for update`) until the transaction ends: order
 * placement charges one order of an agent at a time this way.
 */
export async function readAgentLimits(scope: TenantScope, agentId: string, options: { lock?: boolean } = {}): Promise<AgentLimits | null> {
  let query = scope.selectFrom("agent_limits").selectAll().where("agent_id", "=", agentId);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return {
    currency: row.currency,
    maxOrderAmount: row.max_order_amount === null ? null : toAmount(row.max_order_amount),
    maxLineQuantity: row.max_line_quantity,
    budgetAmount: row.budget_amount === null ? null : toAmount(row.budget_amount),
    budgetWindowSeconds: row.budget_window_seconds,
    grantsExpireAt: row.grants_expire_at ? new Date(row.grants_expire_at) : null,
  };
}

/** Stores the agent's limits as set by `userId` (all empty: the row goes). */
export async function saveAgentLimits(scope: TenantScope, agentId: string, limits: AgentLimits, userId: string): Promise<void> {
  if (isUnlimited(limits)) {
    await scope.deleteFrom("agent_limits").where("agent_id", "=", agentId).execute();
    return;
  }
  const values = {
    currency: limits.currency,
    max_order_amount: limits.maxOrderAmount,
    max_line_quantity: limits.maxLineQuantity,
    budget_amount: limits.budgetAmount,
    budget_window_seconds: limits.budgetWindowSeconds,
    grants_expire_at: limits.grantsExpireAt,
    updated_by: userId,
  };
  await scope
    .insertInto("agent_limits", { agent_id: agentId, ...values })
    .onConflict((conflict) => conflict.columns(["organization_id", "agent_id"]).doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .execute();
}
