import { sql } from "kysely";
import type { CartRow } from "../db/schema.js";
import type { TenantScope } from "../db/tenant-scope.js";
import type { CartLineRow } from "./cart-mapper.js";
import { DomainError } from "./domain-error.js";

/**
 * Reads shared by the cart service and order placement: a cart row (plain
 * or locked) and its lines joined with the products' current values.
 */

/** The cart, or 404 `cart_not_found`. */
export async function findCart(scope: TenantScope, cartId: string): Promise<CartRow> {
  const cart = await scope.selectFrom("carts").selectAll().where("id", "=", cartId).executeTakeFirst();
  if (!cart) throw new DomainError("cart_not_found", `No cart ${cartId} in this store.`);
  return cart;
}

/**
 * Locks an open cart for a change and writes the change's stamp on it, in
 * one statement: every cart mutation and order placement takes this row lock
 * first, so they run one at a time per cart, and a cart being ordered cannot
 * change under the order. `updated_at` becomes `now()` (the transaction's
 * start, so the same stamp a write at its end would give), and `ordered`
 * also sets the status an order placement ends with; a refusal later in the
 * transaction rolls both back. Returns the row as updated.
 *
 * An UPDATE takes the row lock `for update` would, and a writer that waited
 * for it re-checks `status = 'open'` on the row as the holder committed it,
 * so the second of two placements finds no open cart. Only then (an error
 * path) a second read tells "no such cart" (404) from "not open" (409).
 */
export async function lockOpenCart(scope: TenantScope, cartId: string, change: { ordered?: true } = {}): Promise<CartRow> {
  const cart = await scope
    .updateTable("carts")
    .set({ updated_at: sql<Date>`now()`, ...(change.ordered ? { status: "ordered" as const } : {}) })
    .where("id", "=", cartId)
    .where("status", "=", "open")
    .returningAll()
    .executeTakeFirst();
  if (cart) return cart;
  await findCart(scope, cartId);
  throw new DomainError("cart_not_open", "This cart has already been turned into an order.");
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
