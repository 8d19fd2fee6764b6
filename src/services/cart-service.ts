import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { components } from "../../generated/openapi.js";
import type { CartRow } from "../db/schema.js";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { readAgentLimits } from "./agent-limits/agent-limits.js";
import { assertLineQuantity } from "./agent-limits/spend-control.js";
import { cartLines, findCart, lockOpenCart } from "./cart-lines.js";
import { assertCartTotalsRepresentable, type Cart, type CartLineRow, toCart } from "./cart-mapper.js";
import { DomainError } from "./domain-error.js";

type CartItemCreate = components["schemas"]["CartItemCreate"];
type CartItemUpdate = components["schemas"]["CartItemUpdate"];

/** The contract's ceiling for one cart line (its `maximum`); merchant limits cannot exceed it either. */
export const MAX_LINE_QUANTITY = 999;

/**
 * Carts: created empty in one currency, changed only while `open`. Each
 * change runs in a transaction holding the cart's row lock (see
 * `lockOpenCart`) and answers with the whole cart at current prices.
 */
export class CartService {
  private readonly scope: TenantScope;

  constructor(db: Db, tenant: Tenant) {
    this.scope = new TenantScope(db, tenant);
  }

  async create(currency: string): Promise<Cart> {
    const cart = await this.scope
      .insertInto("carts", { id: randomUUID(), currency, status: "open" })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCart(cart, []);
  }

  async get(cartId: string): Promise<Cart> {
    return toCart(await findCart(this.scope, cartId), await cartLines(this.scope, cartId));
  }

  /**
   * Adds a product, or grows its existing line by `quantity` (one line per
   * product). `agentId`: the agent adding it, whose line limit the grown line must keep.
   */
  async addItem(cartId: string, input: CartItemCreate, agentId?: string): Promise<Cart> {
    return this.scope.transaction(async (scope) => {
      const cart = await lockOpenCart(scope, cartId);
      // Shared lock: a price change waits for this line, or this line sees the new price (see ProductAdminService.update).
      const product = await scope.selectFrom("products").selectAll().where("id", "=", input.product_id).forShare().executeTakeFirst();
      if (!product) throw new DomainError("product_not_found", `No product ${input.product_id} in this store.`);
      if (product.status !== "active") throw new DomainError("product_unavailable", `Product ${product.sku} is archived.`);
      if (product.currency !== cart.currency) {
        throw new DomainError(
          "currency_mismatch",
          `Product ${product.sku} is priced in ${product.currency}; this cart is in ${cart.currency}.`,
        );
      }
      // Written first, checked after (a refusal rolls it back): one statement adds the line or grows it.
      const quantity = await this.addToLine(scope, cartId, product.id, input.quantity);
      const before = quantity - input.quantity;
      if (agentId !== undefined) assertLineQuantity(await readAgentLimits(scope, agentId), quantity, "/body/quantity");
      assertInStock(quantity, product.inventory, product.sku, before);
      return toCart(cart, await this.grownLines(scope, cart));
    });
  }

  /**
   * Inserts the product's line with `added` units, or adds them to its line
   * (one per product: the unique (cart, product)); returns the line's new
   * quantity. Past `MAX_LINE_QUANTITY` the line is left as it was: 422.
   */
  private async addToLine(scope: TenantScope, cartId: string, productId: string, added: number): Promise<number> {
    const line = await scope
      .insertInto("cart_items", { id: randomUUID(), cart_id: cartId, product_id: productId, quantity: added })
      .onConflict((conflict) =>
        conflict
          .columns(["organization_id", "cart_id", "product_id"])
          .doUpdateSet((eb) => ({ quantity: eb("cart_items.quantity", "+", eb.ref("excluded.quantity")) }))
          .where(sql<boolean>`cart_items.quantity + excluded.quantity <= ${MAX_LINE_QUANTITY}`),
      )
      .returning("quantity")
      .executeTakeFirst();
    if (line) return line.quantity;
    const held = await scope
      .selectFrom("cart_items")
      .select("quantity")
      .where("cart_id", "=", cartId)
      .where("product_id", "=", productId)
      .executeTakeFirstOrThrow();
    throw new DomainError("quantity_limit_exceeded", `A cart line holds at most ${MAX_LINE_QUANTITY} units.`, {
      fieldErrors: [{ pointer: "/body/quantity", detail: `must be <= ${MAX_LINE_QUANTITY - held.quantity}` }],
    });
  }

  /** Sets a line's quantity; its product must still be active and in stock, and within `agentId`'s line limit. */
  async updateItem(cartId: string, itemId: string, input: CartItemUpdate, agentId?: string): Promise<Cart> {
    return this.scope.transaction(async (scope) => {
      const cart = await lockOpenCart(scope, cartId);
      const line = (await cartLines(scope, cartId)).find((item) => item.id === itemId);
      if (!line) throw new DomainError("cart_item_not_found", `No item ${itemId} in cart ${cartId}.`);
      await scope.selectFrom("products").select("id").where("id", "=", line.product_id).forShare().execute();
      if (line.status !== "active") throw new DomainError("product_unavailable", `Product ${line.sku} is archived; remove the line.`);
      if (line.currency !== cart.currency) {
        throw new DomainError("product_unavailable", `Product ${line.sku} is no longer priced in ${cart.currency}; remove the line.`);
      }
      if (agentId !== undefined) assertLineQuantity(await readAgentLimits(scope, agentId), input.quantity, "/body/quantity");
      assertInStock(input.quantity, line.inventory, line.sku, 0);
      await scope.updateTable("cart_items").set({ quantity: input.quantity }).where("id", "=", itemId).execute();
      return toCart(cart, await this.grownLines(scope, cart));
    });
  }

  /** Removes a line, whatever its product's state (that is how archived lines leave a cart). */
  async removeItem(cartId: string, itemId: string): Promise<Cart> {
    return this.scope.transaction(async (scope) => {
      const cart = await lockOpenCart(scope, cartId);
      const removed = await scope.deleteFrom("cart_items").where("cart_id", "=", cartId).where("id", "=", itemId).executeTakeFirst();
      if (removed.numDeletedRows === 0n) throw new DomainError("cart_item_not_found", `No item ${itemId} in cart ${cartId}.`);
      return toCart(cart, await cartLines(scope, cartId));
    });
  }

  /**
   * The lines after a change that can grow the cart's totals; 409 (rolling
   * the change back) when the API could not represent them.
   */
  private async grownLines(scope: TenantScope, cart: CartRow): Promise<CartLineRow[]> {
    const lines = await cartLines(scope, cart.id);
    assertCartTotalsRepresentable(cart, lines);
    return lines;
  }
}

/** Stock is checked, not reserved: placing the order decrements it (and checks again). */
function assertInStock(quantity: number, inventory: number, sku: string, alreadyInCart: number): void {
  if (quantity <= inventory) return;
  throw new DomainError("insufficient_inventory", `Only ${inventory} of SKU ${sku} are in stock; ${quantity} were requested.`, {
    fieldErrors: [{ pointer: "/body/quantity", detail: `At most ${Math.max(inventory - alreadyInCart, 0)} are available.` }],
  });
}
