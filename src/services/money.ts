import type { components } from "../../generated/openapi.js";
import { toAmount } from "../db/schema.js";
import { DomainError, invalidField } from "./domain-error.js";

/** Money as the contract writes it: integer minor units and an ISO 4217 code. */
export type Money = components["schemas"]["Money"];

/** A money column value (bigint: string from `pg`) and its currency → API money. */
export function moneyOf(amount: string | number | bigint, currency: string): Money {
  return { amount: toAmount(amount), currency };
}

/**
 * Refuses an input amount JavaScript cannot hold exactly. The contract's
 * Money schema says `maximum: 2^53 - 1` and the validators refuse more; this
 * is the service's own guard for callers that skip them (a bigger amount
 * would round silently here).
 */
export function assertSafeAmount(amount: number, pointer: string): void {
  if (!Number.isSafeInteger(amount)) {
    throw invalidField(pointer, `must be <= ${Number.MAX_SAFE_INTEGER}`, "maximum");
  }
}

/**
 * Sum of `unit × quantity` over lines, computed in BigInt; a result beyond
 * 2^53 is refused rather than rounded (money is never approximate).
 */
export function lineTotals(lines: readonly { unit: number; quantity: number }[]): { totals: number[]; sum: number } {
  let sum = 0n;
  const totals = lines.map(({ unit, quantity }) => {
    const total = BigInt(unit) * BigInt(quantity);
    sum += total;
    return total;
  });
  if (sum > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError("quantity_limit_exceeded", "The total would exceed the largest amount the API can represent.");
  }
  return { totals: totals.map(Number), sum: Number(sum) };
}

/**
 * Minor units as people read them, with the code after the number:
 * `formatMoney(5000, "EUR")` → `"50.00 EUR"`, `formatMoney(500, "JPY")` → `"500 JPY"`.
 * The currency's minor unit comes from Intl (ISO 4217); an unknown code is shown with 2 decimals.
 */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const units = BigInt(Math.abs(Math.trunc(amount)));
  if (digits === 0) return `${sign}${units} ${currency}`;
  const scale = 10n ** BigInt(digits);
  return `${sign}${units / scale}.${(units % scale).toString().padStart(digits, "0")} ${currency}`;
}

/**
 * A decimal amount as typed by a person (`"50"`, `"50.00"`) → minor units of
 * `currency`, exactly (no floating point); null when it is not a plain
 * non-negative decimal with at most the currency's minor digits, or too large.
 */
export function parseMoney(text: string, currency: string): number | null {
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const digits = minorUnitDigits(currency);
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return null;
  const units = BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, "0") || "0");
  return units <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(units) : null;
}

/** `formatMoney` without the code: the value a form field is filled with. */
export function moneyInputValue(amount: number, currency: string): string {
  return formatMoney(amount, currency).split(" ")[0]!;
}

/** The currency's minor unit digits (ISO 4217, through Intl); 2 for an unknown code. */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}
