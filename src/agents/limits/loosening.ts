import type { AgentLimits } from "../../services/agent-limits/agent-limits.js";

/**
 * Whether `next` allows the agent anything `previous` did not: a limit
 * removed or raised, a shorter budget window, a later (or no) expiry, money
 * limits moved to another currency. Tightening is as harmless as revoking
 * (any session may); loosening is a grant, and needs what an approval
 * needs: a sign-in from the last 5 minutes.
 */
export function loosens(previous: AgentLimits, next: AgentLimits): boolean {
  const raised = (before: number | null, after: number | null) => before !== null && (after === null || after > before);
  const hadMoney = previous.maxOrderAmount !== null || previous.budgetAmount !== null;
  if (hadMoney && next.currency !== previous.currency) return true;
  if (raised(previous.maxOrderAmount, next.maxOrderAmount) || raised(previous.budgetAmount, next.budgetAmount)) return true;
  if (raised(previous.maxLineQuantity, next.maxLineQuantity)) return true;
  if (
    previous.budgetAmount !== null &&
    next.budgetAmount !== null &&
    (next.budgetWindowSeconds ?? Infinity) < (previous.budgetWindowSeconds ?? Infinity)
  )
    return true;
  return raised(previous.grantsExpireAt?.getTime() ?? null, next.grantsExpireAt?.getTime() ?? null);
}
