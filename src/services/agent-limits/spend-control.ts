import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { toAmount } from "../../db/schema.js";
import type { TenantScope } from "../../db/tenant-scope.js";
import { formatMoney } from "../money.js";
import { type AgentLimits, readAgentLimits } from "./agent-limits.js";
import { budgetExceeded, budgetWords, lineQuantityLimitExceeded, orderTotalLimitExceeded } from "./limit-refusals.js";

/** The order an agent is placing, as its limits see it. */
export interface AgentOrder {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

/**
 * Charges an agent's order to its limits, inside the placement transaction
 * and after the order row is written (the ledger references it):
 *
 * 1. lock the agent's limits row (`for update`): a second order of the same
 *    agent waits here until the first commits or rolls back, then sums a
 *    ledger that already holds the first one — 20 parallel orders cannot
 *    each see the same remaining budget;
 * 2. check line quantities, the order total and the budget (what the ledger
 *    says is spent in the window, restores subtracted);
 * 3. record the consumption. Any refusal throws, and the placement rolls back
 *    (stock, order, ledger row) as one.
 *
 * Every agent order is recorded, with limits or without, so a budget set
 * later counts the orders already placed in its window.
 */
export async function chargeAgentOrder(scope: TenantScope, agentId: string, order: AgentOrder): Promise<void> {
  const limits = await readAgentLimits(scope, agentId, { lock: true });
  if (limits) await assertWithinLimits(scope, agentId, limits, order);
  await scope
    .insertInto("agent_budget_entries", {
      id: randomUUID(),
      agent_id: agentId,
      order_id: order.orderId,
      refund_id: null,
      kind: "consume",
      amount: order.amount,
      currency: order.currency,
      order_consumed_at: sql<Date>`now()`,
    })
    .execute();
}

/** A cart line's quantity against the agent's limit (checked again when the order is placed). */
export function assertLineQuantity(limits: AgentLimits | null, quantity: number, pointer: string): void {
  const max = limits?.maxLineQuantity ?? null;
  if (max === null || quantity <= max) return;
  throw lineQuantityLimitExceeded(`The merchant allows this agent at most ${max} units per cart line; this line would hold ${quantity}.`, [
    { pointer, detail: `the line may hold at most ${max}`, code: "maximum" },
  ]);
}

async function assertWithinLimits(scope: TenantScope, agentId: string, limits: AgentLimits, order: AgentOrder): Promise<void> {
  for (const line of order.lines) {
    if (limits.maxLineQuantity !== null && line.quantity > limits.maxLineQuantity) {
      throw lineQuantityLimitExceeded(
        `The merchant allows this agent at most ${limits.maxLineQuantity} units per line; SKU ${line.sku} has ${line.quantity}.`,
      );
    }
  }
  const currency = limits.currency;
  if (currency === null) return;
  if (limits.maxOrderAmount !== null) {
    if (order.currency !== currency) {
      throw orderTotalLimitExceeded(
        `The merchant limits this agent's orders in ${currency}; an order in ${order.currency} cannot be checked against that limit.`,
      );
    }
    if (order.amount > limits.maxOrderAmount) {
      throw orderTotalLimitExceeded(
        `The merchant allows this agent orders up to ${formatMoney(limits.maxOrderAmount, currency)}; this order is ${formatMoney(order.amount, order.currency)}.`,
      );
    }
  }
  if (limits.budgetAmount === null) return;
  const spent = order.currency === currency ? await spentInWindow(scope, agentId, currency, limits.budgetWindowSeconds) : 0;
  const remaining = Math.max(limits.budgetAmount - spent, 0);
  const budget = budgetWords(limits.budgetAmount, currency, limits.budgetWindowSeconds);
  if (order.currency !== currency) {
    throw budgetExceeded(`The merchant gave this agent a budget of ${budget}; an order in ${order.currency} cannot be charged to it.`, {
      amount: remaining,
      currency,
    });
  }
  if (order.amount > remaining) {
    throw budgetExceeded(
      `The merchant gave this agent a budget of ${budget}; ${formatMoney(remaining, currency)} remain, this order is ${formatMoney(order.amount, currency)}.`,
      { amount: remaining, currency },
    );
  }
}

/** What the agent's orders in `currency` consumed within the window, less what refunds of them gave back. */
export async function spentInWindow(scope: TenantScope, agentId: string, currency: string, windowSeconds: number | null): Promise<number> {
  let query = scope
    .selectFrom("agent_budget_entries")
    .select(sql<string | number | null>`sum(case when kind = 'consume' then amount else -amount end)`.as("spent"))
    .where("agent_id", "=", agentId)
    .where("currency", "=", currency);
  if (windowSeconds !== null)
    query = query.where("order_consumed_at", ">", sql<Date>`now() - cast(${windowSeconds} as integer) * interval '1 second'`);
  const row = await query.executeTakeFirst();
  return row?.spent === null || row?.spent === undefined ? 0 : toAmount(row.spent);
}
