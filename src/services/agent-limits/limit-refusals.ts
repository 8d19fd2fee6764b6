import type { FieldError } from "../../../generated/routes.js";
import { DomainError } from "../domain-error.js";
import { formatMoney, type Money } from "../money.js";

/**
 * The refusals of merchant-set limits. Answered like `constraint_violated`
 * (the limits the agent itself asked for, a 403): the call is well-formed,
 * the merchant does not allow it. Three codes rather than one, so an agent can tell
 * "ask for a smaller order" from "wait for the budget to come back".
 */

/** The order is larger than one order may be. */
export function orderTotalLimitExceeded(detail: string): DomainError {
  return new DomainError("order_total_limit_exceeded", detail);
}

/** A cart or order line holds more units than the merchant allows this agent. */
export function lineQuantityLimitExceeded(detail: string, fieldErrors?: FieldError[]): DomainError {
  return new DomainError("line_quantity_limit_exceeded", detail, { fieldErrors });
}

/** The order does not fit in what is left of the budget; `remaining` says how much is. */
export function budgetExceeded(detail: string, remaining: Money): DomainError {
  return new DomainError("budget_exceeded", detail, { members: { remaining } });
}

/** `"50.00 EUR per 24 hours"`, `"50.00 EUR in total"`. */
export function budgetWords(amount: number, currency: string, windowSeconds: number | null): string {
  return `${formatMoney(amount, currency)} ${windowWords(windowSeconds)}`;
}

/** `"per 24 hours"`, `"per 7 days"`, `"in total"`. */
export function windowWords(windowSeconds: number | null): string {
  if (windowSeconds === null) return "in total";
  if (windowSeconds % 86_400 === 0 && windowSeconds > 86_400) return `per ${windowSeconds / 86_400} days`;
  if (windowSeconds % 3_600 === 0) return `per ${windowSeconds / 3_600} hours`;
  return `per ${windowSeconds} seconds`;
}
