import { type AgentLimits, NO_LIMITS } from "../../services/agent-limits/agent-limits.js";
import { MAX_LINE_QUANTITY } from "../../services/cart-service.js";
import { formatMoney, parseMoney } from "../../services/money.js";
import type { RequestedLimits } from "./requested-limits.js";

/** The form fields of the limits fieldset (approval pages and /agents). */
export const LIMIT_FIELDS = {
  /** Present when the form carries limits; a form without it leaves them as they are. */
  marker: "limits",
  currency: "limit_currency",
  maxOrder: "limit_max_order",
  maxLineQuantity: "limit_max_line_quantity",
  budget: "limit_budget",
  budgetWindow: "limit_budget_window",
  expiresAt: "limit_expires_at",
} as const;

/** The budget windows offered; `total` counts every order. */
export const BUDGET_WINDOWS: Readonly<Record<string, number | null>> = { "24h": 86_400, "7d": 604_800, "30d": 2_592_000, total: null };

export type LimitsInput =
  | { readonly kind: "absent" }
  | { readonly kind: "invalid"; readonly errors: readonly string[] }
  | { readonly kind: "valid"; readonly limits: AgentLimits };

export interface LimitsContext {
  /** What the agent asked for: a merchant value may be tighter, never looser. */
  readonly requested: RequestedLimits;
  /** The currencies the store prices products in; empty: any ISO 4217 code. */
  readonly storeCurrencies: readonly string[];
  readonly now: Date;
}

/**
 * Reads and validates the limits fieldset. Empty fields mean "no limit of
 * mine" (what the agent asked for still holds). A value looser than what the
 * agent asked for is refused, not clamped: the merchant sees the agent's own
 * limit and decides, rather than saving a number that silently means another.
 */
export function parseLimitsForm(form: Readonly<Record<string, unknown>>, context: LimitsContext): LimitsInput {
  if (form[LIMIT_FIELDS.marker] === undefined) return { kind: "absent" };
  const text = (field: string) => (typeof form[field] === "string" ? (form[field] as string).trim() : "");
  const errors: string[] = [];

  const maxOrderText = text(LIMIT_FIELDS.maxOrder);
  const budgetText = text(LIMIT_FIELDS.budget);
  const currency =
    text(LIMIT_FIELDS.currency).toUpperCase() ||
    (maxOrderText || budgetText ? (context.requested.currency ?? soleCurrency(context)) : null);
  if ((maxOrderText || budgetText) && !currency) errors.push("Choose the currency of the amounts.");
  if (currency && !isIsoCurrency(currency)) errors.push(`${currency} is not an ISO 4217 currency code (such as EUR).`);
  else if (currency && context.storeCurrencies.length > 0 && !context.storeCurrencies.includes(currency)) {
    errors.push(`This store prices its products in ${context.storeCurrencies.join(", ")}, not ${currency}.`);
  }
  const usable = currency && errors.length === 0 ? currency : null;
  const amount = (value: string, label: string): number | null => {
    if (!value || !usable) return null;
    const parsed = parseMoney(value, usable);
    if (parsed === null || parsed <= 0) errors.push(`${label} must be a positive amount such as 50 or 50.00.`);
    return parsed !== null && parsed > 0 ? parsed : null;
  };
  const maxOrderAmount = amount(maxOrderText, "The largest order total");
  const budgetAmount = amount(budgetText, "The budget");
  const maxLineQuantity = positiveInteger(text(LIMIT_FIELDS.maxLineQuantity), "The largest quantity per line", MAX_LINE_QUANTITY, errors);
  const windowChoice = text(LIMIT_FIELDS.budgetWindow) || "24h";
  if (!(windowChoice in BUDGET_WINDOWS)) errors.push("Choose the budget's period from the list.");
  const grantsExpireAt = expiry(text(LIMIT_FIELDS.expiresAt), context.now, errors);

  const requested = context.requested;
  if (maxOrderAmount !== null && usable && requested.currency && requested.currency !== usable) {
    errors.push(`The agent asked for orders in ${requested.currency} only; limits in ${usable} would not apply to them.`);
  }
  if (maxOrderAmount !== null && usable && requested.maxOrderAmount !== null && maxOrderAmount > requested.maxOrderAmount) {
    const asked = requested.currency
      ? formatMoney(requested.maxOrderAmount, requested.currency)
      : `${requested.maxOrderAmount} minor units`;
    errors.push(
      `The agent itself asked for orders up to ${asked}: a larger maximum (${formatMoney(maxOrderAmount, usable)}) would loosen that. Enter at most ${asked}, or leave the field empty to keep the agent's limit.`,
    );
  }
  if (maxLineQuantity !== null && requested.maxLineQuantity !== null && maxLineQuantity > requested.maxLineQuantity) {
    errors.push(
      `The agent itself asked for at most ${requested.maxLineQuantity} units per cart line: ${maxLineQuantity} would loosen that. Enter at most ${requested.maxLineQuantity}, or leave the field empty.`,
    );
  }
  if (errors.length > 0) return { kind: "invalid", errors };
  const money = maxOrderAmount !== null || budgetAmount !== null;
  return {
    kind: "valid",
    limits: {
      ...NO_LIMITS,
      currency: money ? usable : null,
      maxOrderAmount,
      maxLineQuantity,
      budgetAmount,
      budgetWindowSeconds: budgetAmount !== null ? (BUDGET_WINDOWS[windowChoice] ?? null) : null,
      grantsExpireAt,
    },
  };
}

/** The store's only currency, when it has exactly one (then the field may stay empty). */
function soleCurrency(context: LimitsContext): string | null {
  return context.storeCurrencies.length === 1 ? context.storeCurrencies[0]! : null;
}

function isIsoCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf("currency").includes(code);
}

function positiveInteger(value: string, label: string, max: number, errors: string[]): number | null {
  if (!value) return null;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    errors.push(`${label} must be a whole number from 1 to ${max}.`);
    return null;
  }
  return Number(value);
}

/** `YYYY-MM-DDTHH:MM[:SS]` (a datetime-local field), read as UTC as the label says; must lie ahead. */
function expiry(value: string, now: Date, errors: string[]): Date | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?Z?$/.exec(value);
  const date = match ? new Date(`${match[1]}T${match[2]}Z`) : null;
  if (!date || Number.isNaN(date.getTime())) {
    errors.push("The expiry must be a date and time such as 2030-01-31T18:00 (UTC).");
    return null;
  }
  if (date.getTime() <= now.getTime()) {
    errors.push("The expiry must be in the future.");
    return null;
  }
  return date;
}
