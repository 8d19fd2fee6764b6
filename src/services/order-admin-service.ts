import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { components } from "../../generated/openapi.js";
import type { OrderRow } from "../db/schema.js";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { restoreAgentBudget } from "./agent-limits/budget-restore.js";
import { DomainError } from "./domain-error.js";
import { inventoryLimitExceeded, stockStaysInRange } from "./inventory-limit.js";
import { assertSafeAmount } from "./money.js";
import { type Order, type Refund, toOrder, toRefund } from "./order-mapper.js";

type RefundCreate = components["schemas"]["RefundCreate"];

/**
 * The merchant's changes to placed orders: refunds and cancellation. Both
 * lock the order row first (`for update`), so concurrent refunds of one
 * order are applied one after another, each against the amount the previous
 * one left; the `refunded_amount between 0 and total_amount` check
 * constraint is the backstop. Both give an agent's budget back what they
 * refund of its order (budget-restore.ts), in the same transaction.
 */
export class OrderAdminService {
  private readonly scope: TenantScope;

  constructor(db: Db, tenant: Tenant) {
    this.scope = new TenantScope(db, tenant);
  }

  /** Refunds part or all of what is left; the status follows the refunded amount. */
  async refund(orderId: string, input: RefundCreate): Promise<Refund> {
    assertSafeAmount(input.amount.amount, "/body/amount/amount");
    return this.scope.transaction(async (scope) => {
      const order = await lockOrder(scope, orderId);
      if (order.status !== "paid" && order.status !== "partially_refunded") {
        throw new DomainError("order_not_refundable", `The order is ${order.status}.`);
      }
      if (input.amount.currency !== order.currency) {
        throw new DomainError("currency_mismatch", `The order is in ${order.currency}.`, {
          fieldErrors: [{ pointer: "/body/amount/currency", detail: `must be ${order.currency}` }],
        });
      }
      const total = Number(order.total_amount);
      const remaining = total - Number(order.refunded_amount);
      if (input.amount.amount > remaining) {
        throw new DomainError("refund_exceeds_remaining", `At most ${remaining} ${order.currency} minor units can still be refunded.`, {
          fieldErrors: [{ pointer: "/body/amount/amount", detail: `must be <= ${remaining}` }],
        });
      }
      const refunded = total - remaining + input.amount.amount;
      await scope
        .updateTable("orders")
        .set({ refunded_amount: refunded, status: refunded === total ? "refunded" : "partially_refunded", updated_at: sql<Date>`now()` })
        .where("id", "=", orderId)
        .execute();
      const refund = await scope
        .insertInto("refunds", { id: randomUUID(), order_id: orderId, amount: input.amount.amount, reason: input.reason ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await restoreAgentBudget(scope, { orderId, refundId: refund.id, amount: input.amount.amount });
      return toRefund(refund, order.currency);
    });
  }

  /**
   * Cancels a `paid` or `partially_refunded` order: its quantities go back to
   * stock and whatever was not refunded yet is refunded (recorded as a refund
   * row, so refunds always add up to `refunded_amount`). Stock that would
   * pass the column's maximum is 409 `inventory_limit_exceeded` and the whole
   * cancellation rolls back: the merchant lowers that stock and cancels again.
   */
  async cancel(orderId: string): Promise<Order> {
    return this.scope.transaction(async (scope) => {
      const order = await lockOrder(scope, orderId);
      if (order.status !== "paid" && order.status !== "partially_refunded") {
        throw new DomainError("order_not_cancellable", `The order is already ${order.status}.`);
      }
      const items = await scope.selectFrom("order_items").selectAll().where("order_id", "=", orderId).orderBy("position").execute();
      // Same product-id order as order placement, so the two cannot deadlock on product rows.
      for (const item of [...items].sort((a, b) => (a.product_id < b.product_id ? -1 : 1))) {
        const restocked = await scope
          .updateTable("products")
          .set((eb) => ({ inventory: eb("inventory", "+", item.quantity), updated_at: sql<Date>`now()` }))
          .where("id", "=", item.product_id)
          .where(stockStaysInRange(item.quantity))
          .executeTakeFirst();
        // Products are never deleted (order items reference them), so no row means the limit.
        if (restocked.numUpdatedRows === 0n) {
          throw inventoryLimitExceeded(item.sku, `so order ${orderId} cannot be cancelled until it is lowered`);
        }
      }
      const remaining = Number(order.total_amount) - Number(order.refunded_amount);
      if (remaining > 0) {
        const refundId = randomUUID();
        await scope.insertInto("refunds", { id: refundId, order_id: orderId, amount: remaining, reason: "Order cancelled" }).execute();
        await restoreAgentBudget(scope, { orderId, refundId, amount: remaining });
      }
      const cancelled = await scope
        .updateTable("orders")
        .set({ status: "cancelled", refunded_amount: sql<number>`total_amount`, updated_at: sql<Date>`now()` })
        .where("id", "=", orderId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toOrder(cancelled, items);
    });
  }
}

async function lockOrder(scope: TenantScope, orderId: string): Promise<OrderRow> {
  const order = await scope.selectFrom("orders").selectAll().where("id", "=", orderId).forUpdate().executeTakeFirst();
  if (!order) throw new DomainError("order_not_found", `No order ${orderId} in this store.`);
  return order;
}
