import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { chargeAgentOrder } from "./agent-limits/spend-control.js";
import { cartLines, lockOpenCart } from "./cart-lines.js";
import { isUniqueViolation } from "./database-errors.js";
import { DomainError } from "./domain-error.js";
import { lineTotals } from "./money.js";
import { type Order, toOrder } from "./order-mapper.js";

/**
 * Turns an open cart into an order, all in one transaction:
 *
 * 1. lock the cart row and mark it `ordered` (see lockOpenCart): concurrent
 *    placements of one cart queue here, and all but the first then find it
 *    no longer open (409);
 * 2. per line, decrement stock with a conditional UPDATE
 *    (`inventory >= quantity`, product still active); no row → 409 and the
 *    whole transaction rolls back, restoring the stock already taken.
 *    Products are updated in product-id order so two orders sharing
 *    products lock them in the same order and cannot deadlock;
 * 3. snapshot name, SKU and price into order_items;
 * 4. for an agent, charge the order to the merchant's limits for it (locks the
 *    agent's limits row last, see spend-control.ts; a refusal rolls it all back).
 *
 * The unique (organization_id, cart_id) on orders is the last line of
 * defence: even without the lock, a cart could not become two orders.
 */
export class OrderPlacementService {
  private readonly scope: TenantScope;

  constructor(db: Db, tenant: Tenant) {
    this.scope = new TenantScope(db, tenant);
  }

  /**
   * `placedBy` is the caller, who alone sees the order on the storefront.
   * `approve` sees the priced total before the order is written and may
   * throw to refuse it (the transaction then rolls back the stock taken).
   * `agentId`: the agent placing it, whose limits the order is charged to.
   */
  async placeOrder(
    cartId: string,
    placedBy: string,
    approve?: (total: { amount: number; currency: string }) => void,
    agentId?: string,
  ): Promise<Order> {
    try {
      return await this.scope.transaction((scope) => this.place(scope, cartId, placedBy, approve, agentId));
    } catch (error) {
      if (isUniqueViolation(error, "orders_cart_unique"))
        throw new DomainError("cart_not_open", "This cart has already been turned into an order.");
      throw error;
    }
  }

  private async place(
    scope: TenantScope,
    cartId: string,
    placedBy: string,
    approve?: (total: { amount: number; currency: string }) => void,
    agentId?: string,
  ): Promise<Order> {
    const cart = await lockOpenCart(scope, cartId, { ordered: true });
    const lines = await cartLines(scope, cartId);
    if (lines.length === 0) throw new DomainError("cart_empty", "Add items to the cart before ordering it.");
    for (const line of lines) {
      if (line.status !== "active")
        throw new DomainError("product_unavailable", `Product ${line.sku} has been archived; remove it from the cart.`);
      if (line.currency !== cart.currency) {
        throw new DomainError(
          "product_unavailable",
          `Product ${line.sku} is no longer priced in ${cart.currency}; remove it from the cart.`,
        );
      }
    }

    // The prices and names frozen into the order are those read under the stock update's row lock.
    const snapshots = new Map<string, { sku: string; name: string; price: number }>();
    for (const line of [...lines].sort((a, b) => (a.product_id < b.product_id ? -1 : 1))) {
      const product = await scope
        .updateTable("products")
        .set((eb) => ({ inventory: eb("inventory", "-", line.quantity), updated_at: sql<Date>`now()` }))
        .where("id", "=", line.product_id)
        .where("status", "=", "active")
        .where("currency", "=", cart.currency)
        .where("inventory", ">=", line.quantity)
        .returning(["sku", "name", "price_amount"])
        .executeTakeFirst();
      if (!product) throw await this.whyNotDecremented(scope, line.product_id, line.quantity, line.sku);
      snapshots.set(line.product_id, { sku: product.sku, name: product.name, price: Number(product.price_amount) });
    }

    const priced = lines.map((line) => ({ line, snapshot: snapshots.get(line.product_id)! }));
    const { totals, sum } = lineTotals(priced.map(({ line, snapshot }) => ({ unit: snapshot.price, quantity: line.quantity })));
    approve?.({ amount: sum, currency: cart.currency });
    const order = await scope
      .insertInto("orders", {
        id: randomUUID(),
        cart_id: cartId,
        status: "paid",
        currency: cart.currency,
        subtotal_amount: sum,
        total_amount: sum,
        refunded_amount: 0,
        placed_by: placedBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (agentId !== undefined) {
      const charged = priced.map(({ line, snapshot }) => ({ sku: snapshot.sku, quantity: line.quantity }));
      await chargeAgentOrder(scope, agentId, { orderId: order.id, amount: sum, currency: cart.currency, lines: charged });
    }
    const items = await scope
      .insertInto(
        "order_items",
        priced.map(({ line, snapshot }, index) => ({
          id: randomUUID(),
          order_id: order.id,
          product_id: line.product_id,
          sku: snapshot.sku,
          name: snapshot.name,
          unit_price_amount: snapshot.price,
          quantity: line.quantity,
          line_total_amount: totals[index]!,
          position: index,
        })),
      )
      .returningAll()
      .execute();
    return toOrder(
      order,
      items.sort((a, b) => a.position - b.position),
    );
  }

  /** After a refused decrement: read the product again (latest committed) to say which rule failed. */
  private async whyNotDecremented(scope: TenantScope, productId: string, quantity: number, sku: string) {
    const product = await scope.selectFrom("products").select(["status", "inventory"]).where("id", "=", productId).executeTakeFirst();
    if (product?.status !== "active")
      return new DomainError("product_unavailable", `Product ${sku} has been archived; remove it from the cart.`);
    if (product.inventory < quantity) {
      return new DomainError("insufficient_inventory", `Only ${product.inventory} of SKU ${sku} are in stock; ${quantity} were requested.`);
    }
    return new DomainError("product_unavailable", `Product ${sku} is no longer priced in the cart's currency.`);
  }
}
