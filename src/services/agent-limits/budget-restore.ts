import { randomUUID } from "node:crypto";
import { toAmount } from "../../db/schema.js";
import type { TenantScope } from "../../db/tenant-scope.js";

/**
 * Gives an agent's budget back what a refund of its order returned, inside
 * the refund's (or cancellation's) transaction, which holds the order row's
 * lock: refunds of one order are restored one after another. A restore is
 * tied to its refund (unique), counts in the window of the order's
 * consumption, and never gives back more than the order consumed: an
 * order's consumption is restored once, whether by one refund, several, or
 * a cancellation. Orders no agent placed consumed nothing: nothing happens.
 */
export async function restoreAgentBudget(scope: TenantScope, refund: { readonly orderId: string; readonly refundId: string; readonly amount: number }): Promise<void> {
  const consumption = await scope
    .selectFrom("agent_budget_entries")
    .select(["agent_id", "amount", "currency", "order_consumed_at"])
    .where("order_id", "=", refund.orderId)
    .where("kind", "=", "consume")
    .executeTakeFirst();
  if (!consumption) return;
  const restored = await scope
    .selectFrom("agent_budget_entries")
    .select((eb) => eb.fn.sum<string | number | null>("amount").as("restored"))
    .where("order_id", "=", refund.orderId)
    .where("kind", "=", "restore")
    .executeTakeFirst();
  const left = toAmount(consumption.amount) - (restored?.restored == null ? 0 : toAmount(restored.restored));
  const amount = Math.min(refund.amount, left);
  if (amount <= 0) return;
  await scope
    .insertInto("agent_budget_entries", {
      id: randomUUID(),
      agent_id: consumption.agent_id,
      order_id: refund.orderId,
      refund_id: refund.refundId,
      kind: "restore",
      amount,
      currency: consumption.currency,
      order_consumed_at: consumption.order_consumed_at,
    })
    .execute();
}
