import type { OrderItemRow, OrderRow } from "../db/schema.js";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { DomainError } from "./domain-error.js";
import { afterPosition, cursorTimestamp, decodeCursor, type Page, toPage } from "./keyset-cursor.js";
import { type Order, toOrder } from "./order-mapper.js";

export interface OrderListQuery {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly status?: OrderRow["status"] | undefined;
  /** Only this caller's orders (the storefront); absent for the merchant's view. */
  readonly placedBy?: string | undefined;
}

/**
 * Reading orders. The storefront passes `placedBy` (its caller) and so sees
 * only its own orders; an order of another caller or store is a 404, the
 * same as an order that does not exist.
 */
export class OrderQueryService {
  private readonly scope: TenantScope;

  constructor(db: Db, tenant: Tenant) {
    this.scope = new TenantScope(db, tenant);
  }

  /**
   * Newest first on `(created_at, id)`. Each filter combination has its index:
   * `(organization_id, placed_by, created_at, id)`,
   * `(organization_id, status, created_at, id)` and `(organization_id, created_at, id)`.
   */
  async list(query: OrderListQuery): Promise<Page<Order>> {
    let select = this.scope.selectFrom("orders").selectAll().select(cursorTimestamp("orders").as("cursor_at"));
    if (query.placedBy !== undefined) select = select.where("placed_by", "=", query.placedBy);
    if (query.status !== undefined) select = select.where("status", "=", query.status);
    if (query.cursor !== undefined) select = select.where(afterPosition("orders", decodeCursor("orders", query.cursor)));
    const rows = await select
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(query.limit + 1)
      .execute();
    const page = toPage("orders", rows, query.limit);
    return { data: await this.withItems(page.rows), next_cursor: page.nextCursor };
  }

  async get(orderId: string, placedBy?: string): Promise<Order> {
    let select = this.scope.selectFrom("orders").selectAll().where("id", "=", orderId);
    if (placedBy !== undefined) select = select.where("placed_by", "=", placedBy);
    const order = await select.executeTakeFirst();
    if (!order) throw new DomainError("order_not_found", `No order ${orderId} here.`);
    const [withItems] = await this.withItems([order]);
    return withItems!;
  }

  /** One query for the items of a whole page, grouped back onto their orders. */
  private async withItems(orders: readonly OrderRow[]): Promise<Order[]> {
    if (orders.length === 0) return [];
    const items = await this.scope
      .selectFrom("order_items")
      .selectAll()
      .where(
        "order_id",
        "in",
        orders.map((order) => order.id),
      )
      .orderBy("order_id")
      .orderBy("position")
      .execute();
    const byOrder = new Map<string, OrderItemRow[]>();
    for (const item of items) byOrder.set(item.order_id, [...(byOrder.get(item.order_id) ?? []), item]);
    return orders.map((order) => toOrder(order, byOrder.get(order.id) ?? []));
  }
}
