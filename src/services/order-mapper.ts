import type { components } from "../../generated/openapi.js";
import type { OrderItemRow, OrderRow, RefundRow } from "../db/schema.js";
import { moneyOf } from "./money.js";

export type Order = components["schemas"]["Order"];
export type Refund = components["schemas"]["Refund"];

/** An order row and its items (in `position` order) → the contract's Order. */
export function toOrder(order: OrderRow, items: readonly OrderItemRow[]): Order {
  return {
    id: order.id,
    cart_id: order.cart_id,
    status: order.status,
    currency: order.currency,
    items: items.map((item) => ({
      product_id: item.product_id,
      sku: item.sku,
      name: item.name,
      unit_price: moneyOf(item.unit_price_amount, order.currency),
      quantity: item.quantity,
      line_total: moneyOf(item.line_total_amount, order.currency),
    })),
    subtotal: moneyOf(order.subtotal_amount, order.currency),
    total: moneyOf(order.total_amount, order.currency),
    refunded_amount: moneyOf(order.refunded_amount, order.currency),
    created_at: order.created_at.toISOString(),
    updated_at: order.updated_at.toISOString(),
  };
}

export function toRefund(refund: RefundRow, currency: string): Refund {
  return {
    id: refund.id,
    order_id: refund.order_id,
    amount: moneyOf(refund.amount, currency),
    reason: refund.reason,
    created_at: refund.created_at.toISOString(),
  };
}
