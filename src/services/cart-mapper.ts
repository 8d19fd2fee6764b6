import type { components } from "../../generated/openapi.js";
import type { CartRow } from "../db/schema.js";
import { DomainError } from "./domain-error.js";
import { moneyOf } from "./money.js";

export type Cart = components["schemas"]["Cart"];

/** A cart line joined with its product's current values. */
export interface CartLineRow {
  id: string;
  product_id: string;
  quantity: number;
  sku: string;
  name: string;
  price_amount: string | number | bigint;
  currency: string;
}

/** Exact line totals and subtotal (BigInt: never rounded) of a cart at current prices. */
interface CartTotals {
  readonly lines: readonly bigint[];
  readonly subtotal: bigint;
}

const LARGEST_AMOUNT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A line whose product has since been repriced in another currency counts in
 * its line total but not in the subtotal, which is in the cart's currency only.
 */
function cartTotals(cart: CartRow, lines: readonly CartLineRow[]): CartTotals {
  const totals = lines.map((line) => BigInt(line.price_amount) * BigInt(line.quantity));
  const subtotal = totals.reduce((sum, total, index) => (lines[index]!.currency === cart.currency ? sum + total : sum), 0n);
  return { lines: totals, subtotal };
}

function representable(totals: CartTotals): boolean {
  return totals.subtotal <= LARGEST_AMOUNT && totals.lines.every((total) => total <= LARGEST_AMOUNT);
}

/**
 * For the writes that can grow a cart's totals (adding or changing a line):
 * 409 `quantity_limit_exceeded` when a line total or the subtotal would pass
 * the largest amount the API represents (2^53 - 1 minor units). Checked
 * before the write commits, so every stored open cart can be read.
 */
export function assertCartTotalsRepresentable(cart: CartRow, lines: readonly CartLineRow[]): void {
  if (!representable(cartTotals(cart, lines))) {
    throw new DomainError("quantity_limit_exceeded", "The cart's total would exceed the largest amount the API can represent.");
  }
}

/**
 * A cart and its lines → the contract's Cart, priced at current catalog
 * prices; such a cart cannot be ordered until lines in another currency are
 * removed. Reading never refuses: the writes keep totals representable
 * (assertCartTotalsRepresentable). Only a later catalog change can break that
 * (a price raised under a cart); it is a server-side fault (500), not a
 * conflict the reader could resolve.
 */
export function toCart(cart: CartRow, lines: readonly CartLineRow[]): Cart {
  const totals = cartTotals(cart, lines);
  if (!representable(totals)) throw new Error(`cart ${cart.id}: totals exceed 2^53 - 1 minor units at current prices`);
  return {
    id: cart.id,
    currency: cart.currency,
    status: cart.status,
    items: lines.map((line, index) => ({
      id: line.id,
      product_id: line.product_id,
      sku: line.sku,
      name: line.name,
      unit_price: moneyOf(line.price_amount, line.currency),
      quantity: line.quantity,
      line_total: moneyOf(totals.lines[index]!, line.currency),
    })),
    subtotal: moneyOf(totals.subtotal, cart.currency),
    created_at: cart.created_at.toISOString(),
    updated_at: cart.updated_at.toISOString(),
  };
}
