import type { CartRow } from "../db/schema.js";
import type { TenantScope } from "../db/tenant-scope.js";
import type { CartLineRow } from "./cart-mapper.js";
import { commerceProblem } from "./commerce-problems.js";

/**
 * Reads shared by the cart service and order placement: a cart row (plain
 * or locked) and its lines joined with the products' current values.
 */

/** The cart, or 404 `cart_not_found`; `lock` takes its row lock (`for update`). */
export async function findCart(scope: TenantScope, cartId: string, lock = false): Promise<CartRow> {
  let query = scope.selectFrom("carts").selectAll().where("id", "=", cartId);
  if (lock) query = query.forUpdate();
  const cart = await query.executeTakeFirst();
  if (!cart) throw commerceProblem("cart_not_found", `No cart ${cartId} in this store.`);
  return cart;
}

/**
 * Locks an open cart for a change: every cart mutation and order placement
 * takes this row lock first, so they run one at a time per cart, and a cart
 * being ordered cannot change under the order.
 */
export async function lockOpenCart(scope: TenantScope, cartId: string): Promise<CartRow> {
  const cart = await findCart(scope, cartId, true);
  if (cart.status !== "open") throw commerceProblem("cart_not_open", "This cart has already been turned into an order.");
  return cart;
}

/** The cart's lines in the order they were added, with product status for ordering checks. */
export async function cartLines(scope: TenantScope, cartId: string): Promise<(CartLineRow & { status: "active" | "archived"; inventory: number })[]> {
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
