import { sql } from "kysely";
import type { CartRow } from "../db/schema.js";
import type { TenantScope } from "../db/tenant-scope.js";
import type { CartLineRow } from "./cart-mapper.js";
import { DomainError } from "./domain-error.js";

/**
 * Reads shared by the cart service and order placement: a cart row (plain
 * or locked) and its lines joined with the products' current values.
 */

/** The cart, or 404 `cart_not_found`; `lock` takes its row lock (`for update`). */
export async function findCart(scope: TenantScope, cartId: string, lock = false): Promise<CartRow> {
  let query = scope.selectFrom("carts").selectAll().where("id", "=", cartId);
  if (lock) query = query.forUpdate();
  const cart = await query.executeTakeFirst();
  if (!cart) throw new DomainError("cart_not_found", `No cart ${cartId} in this store.`);
  return cart;
}

/**
 * Locks an open cart for a change: every cart mutation and order placement
 * takes this row lock first, so they run one at a time per cart, and a cart
 * being ordered cannot change under the order.
 */
export async function lockOpenCart(scope: TenantScope, cartId: string): Promise<CartRow> {
  const cart = await findCart(scope, cartId, true);
  if (cart.status !== "open") throw new DomainError("cart_not_open", "This cart has already been turned into an order.");
  return cart;
}

/**
 * A cart holding `productId` whose totals at current prices pass the largest
 * amount the API represents (a line total, or the subtotal in the cart's
 * currency, above 2^53 - 1 minor units), if there is one. Run after a price
 * change, in its transaction, to refuse it before any such cart can be read
 * (see assertCartTotalsRepresentable for the cart writes). Ordered carts
 * count too: getCart shows them at current prices as well.
 */
export async function cartBeyondLargestAmount(scope: TenantScope, productId: string): Promise<string | undefined> {
  const largest = sql`${String(Number.MAX_SAFE_INTEGER)}::numeric`;
  const row = await scope
    .selectFrom("cart_items")
    .innerJoin("carts", (join) =>
      join.onRef("carts.organization_id", "=", "cart_items.organization_id").onRef("carts.id", "=", "cart_items.cart_id"),
    )
    .innerJoin("products", (join) =>
      join.onRef("products.organization_id", "=", "cart_items.organization_id").onRef("products.id", "=", "cart_items.product_id"),
    )
    .select("cart_items.cart_id")
    .where("cart_items.cart_id", "in", scope.selectFrom("cart_items").select("cart_id").where("product_id", "=", productId))
    .groupBy(["cart_items.cart_id", "carts.currency"])
    .having(
      sql<boolean>`max(cart_items.quantity::numeric * products.price_amount) > ${largest}
        or sum(case when products.currency = carts.currency then cart_items.quantity::numeric * products.price_amount else 0 end) > ${largest}`,
    )
    .limit(1)
    .executeTakeFirst();
  return row?.cart_id;
}

/** The cart's lines in the order they were added, with product status for ordering checks. */
export async function cartLines(
  scope: TenantScope,
  cartId: string,
): Promise<(CartLineRow & { status: "active" | "archived"; inventory: number })[]> {
  return scope
    .selectFrom("cart_items")
    .innerJoin("products", (join) =>
      join.onRef("products.organization_id", "=", "cart_items.organization_id").onRef("products.id", "=", "cart_items.product_id"),
    )
    .select([
      "cart_items.id",
      "cart_items.product_id",
      "cart_items.quantity",
      "products.sku",
      "products.name",
      "products.price_amount",
      "products.currency",
      "products.status",
      "products.inventory",
    ])
    .where("cart_items.cart_id", "=", cartId)
    .orderBy("cart_items.created_at")
    .orderBy("cart_items.id")
    .execute();
}
