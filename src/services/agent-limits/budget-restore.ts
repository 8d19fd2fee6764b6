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
export async function restoreAgentBudget(
  scope: TenantScope,
  refund: { readonly orderId: string; readonly refundId: string; readonly amount: number },
): Promise<void> {
  // One read: the order's consumption and what earlier refunds already gave back (a handful of rows).
  const entries = await scope
    .selectFrom("agent_budget_entries")
    .select(["kind", "agent_id", "amount", "currency", "order_consumed_at"])
    .where("order_id", "=", refund.orderId)
    .execute();
  const consumption = entries.find((entry) => entry.kind === "consume");
  if (!consumption) return;
  const restored = entries.filter((entry) => entry.kind === "restore").reduce((sum, entry) => sum + toAmount(entry.amount), 0);
  const left = toAmount(consumption.amount) - restored;
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
