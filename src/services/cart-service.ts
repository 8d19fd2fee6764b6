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
      const line = await scope
        .selectFrom("cart_items")
        .select(["id", "quantity"])
        .where("cart_id", "=", cartId)
        .where("product_id", "=", product.id)
        .executeTakeFirst();
      const quantity = (line?.quantity ?? 0) + input.quantity;
      if (quantity > MAX_LINE_QUANTITY) {
        throw new DomainError("quantity_limit_exceeded", `A cart line holds at most ${MAX_LINE_QUANTITY} units.`, {
          fieldErrors: [{ pointer: "/body/quantity", detail: `must be <= ${MAX_LINE_QUANTITY - (line?.quantity ?? 0)}` }],
        });
      }
      if (agentId !== undefined) assertLineQuantity(await readAgentLimits(scope, agentId), quantity, "/body/quantity");
      assertInStock(quantity, product.inventory, product.sku, line?.quantity ?? 0);
      if (line) await scope.updateTable("cart_items").set({ quantity }).where("id", "=", line.id).execute();
      else await scope.insertInto("cart_items", { id: randomUUID(), cart_id: cartId, product_id: product.id, quantity }).execute();
      return this.touched(scope, cart, await this.grownLines(scope, cart));
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
      return this.touched(scope, cart, await this.grownLines(scope, cart));
    });
  }

  /** Removes a line, whatever its product's state (that is how archived lines leave a cart). */
  async removeItem(cartId: string, itemId: string): Promise<Cart> {
    return this.scope.transaction(async (scope) => {
      const cart = await lockOpenCart(scope, cartId);
      const removed = await scope.deleteFrom("cart_items").where("cart_id", "=", cartId).where("id", "=", itemId).executeTakeFirst();
      if (removed.numDeletedRows === 0n) throw new DomainError("cart_item_not_found", `No item ${itemId} in cart ${cartId}.`);
      return this.touched(scope, cart, await cartLines(scope, cartId));
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

  /** Bumps `updated_at` and answers with the cart as it now is (its `lines`). */
  private async touched(scope: TenantScope, cart: CartRow, lines: readonly CartLineRow[]): Promise<Cart> {
    const updated = await scope
      .updateTable("carts")
      .set({ updated_at: sql<Date>`now()` })
      .where("id", "=", cart.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCart(updated, lines);
  }
}

/** Stock is checked, not reserved: placing the order decrements it (and checks again). */
function assertInStock(quantity: number, inventory: number, sku: string, alreadyInCart: number): void {
  if (quantity <= inventory) return;
  throw new DomainError("insufficient_inventory", `Only ${inventory} of SKU ${sku} are in stock; ${quantity} were requested.`, {
    fieldErrors: [{ pointer: "/body/quantity", detail: `At most ${Math.max(inventory - alreadyInCart, 0)} are available.` }],
  });
}
