import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { formatMoney } from "../../services/money.js";
import { type ConstraintValue, type GrantConstraints, parseGrantConstraints } from "../execute/grant-constraints.js";

/**
 * What an agent asked to be limited to (the protocol's per-capability
 * `constraints` on registration or request-capability), read from its
 * pending and active grants. Those constraints stay enforced on their own
 * (grant-constraints.ts); the merchant's limits can only tighten them.
 */
export interface RequestedLimits {
  /** placeOrder `total_amount.max` (the loosest, when several grants ask). */
  readonly maxOrderAmount: number | null;
  /** placeOrder `currency` (eq). */
  readonly currency: string | null;
  /** addCartItem/updateCartItem `quantity.max` (the loosest). */
  readonly maxLineQuantity: number | null;
  /** Every requested constraint in plain words, e.g. "orders up to 50.00 EUR". */
  readonly words: readonly string[];
}

export const NOTHING_REQUESTED: RequestedLimits = { maxOrderAmount: null, currency: null, maxLineQuantity: null, words: [] };

/** The limits the agent's pending and active grants ask for. */
export async function requestedLimitsOf(db: Kysely<Database>, agentId: string): Promise<RequestedLimits> {
  const grants = await db
    .selectFrom("agentCapabilityGrant")
    .select(["capability", "constraints"])
    .where("agentId", "=", agentId)
    .where("status", "in", ["pending", "active"])
    .where("constraints", "is not", null)
    .orderBy("createdAt")
    .execute();
  return requestedLimits(grants);
}

/** Pure part of `requestedLimitsOf`, for tests and for grants already read. */
export function requestedLimits(grants: readonly { readonly capability: string; readonly constraints: unknown }[]): RequestedLimits {
  let maxOrderAmount: number | null = null;
  let currency: string | null = null;
  let maxLineQuantity: number | null = null;
  const words: string[] = [];
  for (const grant of grants) {
    const constraints = parseGrantConstraints(grant.constraints);
    if (!constraints) continue;
    if (grant.capability === "placeOrder") {
      const max = maxOf(constraints.total_amount);
      const eq = eqOf(constraints.currency);
      if (max !== null) maxOrderAmount = Math.max(maxOrderAmount ?? 0, max);
      if (typeof eq === "string") currency = eq;
    }
    if (grant.capability === "addCartItem" || grant.capability === "updateCartItem") {
      const max = maxOf(constraints.quantity);
      if (max !== null) maxLineQuantity = Math.max(maxLineQuantity ?? 0, max);
    }
    words.push(...constraintWords(grant.capability, constraints));
  }
  return { maxOrderAmount, currency, maxLineQuantity, words: [...new Set(words)] };
}

/** One grant's constraints as sentences a merchant reads. */
export function constraintWords(capability: string, constraints: GrantConstraints): string[] {
  if (capability === "placeOrder") {
    const max = maxOf(constraints.total_amount);
    const currency = eqOf(constraints.currency);
    const rest = Object.fromEntries(Object.entries(constraints).filter(([field]) => field !== "total_amount" && field !== "currency"));
    const words: string[] = [];
    if (max !== null)
      words.push(typeof currency === "string" ? `orders up to ${formatMoney(max, currency)}` : `orders up to ${max} minor units`);
    if (max === null && typeof currency === "string") words.push(`orders in ${currency} only`);
    if (max !== null && typeof currency === "string" && !onlyOperator(constraints.total_amount, "max"))
      words.push(...fieldWords(capability, "total_amount", constraints.total_amount!, ["max"]));
    return [...words, ...Object.entries(rest).flatMap(([field, value]) => fieldWords(capability, field, value))];
  }
  if ((capability === "addCartItem" || capability === "updateCartItem") && maxOf(constraints.quantity) !== null) {
    const rest = Object.entries(constraints).filter(([field]) => field !== "quantity");
    return [
      `at most ${maxOf(constraints.quantity)} units per cart line (${capability})`,
      ...fieldWords(capability, "quantity", constraints.quantity!, ["max"]),
      ...rest.flatMap(([field, value]) => fieldWords(capability, field, value)),
    ];
  }
  return Object.entries(constraints).flatMap(([field, value]) => fieldWords(capability, field, value));
}

/** Generic words: "placeOrder: cart_id exactly …", skipping the operators already said. */
function fieldWords(capability: string, field: string, value: ConstraintValue, said: readonly string[] = []): string[] {
  const rules = typeof value === "object" && value !== null ? value : { eq: value };
  return Object.entries(rules)
    .filter(([operator]) => !said.includes(operator))
    .map(([operator, expected]) => `${capability}: ${field} ${OPERATOR_WORDS[operator] ?? `(${operator})`} ${JSON.stringify(expected)}`);
}

const OPERATOR_WORDS: Readonly<Record<string, string>> = {
  eq: "exactly",
  min: "at least",
  max: "at most",
  in: "one of",
  not_in: "none of",
};

function maxOf(value: ConstraintValue | undefined): number | null {
  return typeof value === "object" && value !== null && typeof value.max === "number" ? value.max : null;
}

function eqOf(value: ConstraintValue | undefined): unknown {
  if (typeof value === "object" && value !== null) return value.eq;
  return value;
}

function onlyOperator(value: ConstraintValue | undefined, operator: string): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).every((key) => key === operator);
}
