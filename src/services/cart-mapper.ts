import type { components } from "../../generated/openapi.js";
import type { CartRow } from "../db/schema.js";
import { lineTotals, moneyOf } from "./money.js";

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

/**
 * A cart and its lines → the contract's Cart, priced at current catalog
 * prices. A line whose product has since been repriced in another currency
 * is shown at that price but left out of the subtotal, which is in the
 * cart's currency only; such a cart cannot be ordered until it is fixed.
 */
export function toCart(cart: CartRow, lines: readonly CartLineRow[]): Cart {
  const priced = lines.map((line) => ({ unit: Number(line.price_amount), quantity: line.quantity }));
  const { totals } = lineTotals(priced);
  const inCurrency = priced.filter((_, index) => lines[index]!.currency === cart.currency);
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
      line_total: moneyOf(totals[index]!, line.currency),
    })),
    subtotal: moneyOf(lineTotals(inCurrency).sum, cart.currency),
    created_at: cart.created_at.toISOString(),
    updated_at: cart.updated_at.toISOString(),
  };
}
