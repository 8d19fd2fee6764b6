import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { components } from "../../generated/openapi.js";
import type { ProductRow } from "../db/schema.js";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { cartBeyondLargestAmount } from "./cart-lines.js";
import { isUniqueViolation } from "./database-errors.js";
import { DomainError } from "./domain-error.js";
import { inventoryLimitExceeded, stockStaysInRange } from "./inventory-limit.js";
import { assertSafeAmount } from "./money.js";
import { type Product, toProduct } from "./product-mapper.js";

type ProductCreate = components["schemas"]["ProductCreate"];
type ProductUpdate = components["schemas"]["ProductUpdate"];
type InventoryAdjustmentCreate = components["schemas"]["InventoryAdjustmentCreate"];

/** The merchant's catalog operations: any product of the store, archived ones included. */
export class ProductAdminService {
  private readonly scope: TenantScope;

  constructor(db: Db, tenant: Tenant) {
    this.scope = new TenantScope(db, tenant);
  }

  /** A new, active product; a SKU already used in the store → 409 `sku_taken`. */
  async create(input: ProductCreate): Promise<Product> {
    assertSafeAmount(input.price.amount, "/body/price/amount");
    try {
      const row = await this.scope
        .insertInto("products", {
          id: randomUUID(),
          sku: input.sku,
          name: input.name,
          description: input.description ?? null,
          price_amount: input.price.amount,
          currency: input.price.currency,
          inventory: input.inventory ?? 0,
          status: "active",
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toProduct(row);
    } catch (error) {
      throw skuTakenOr(error, input.sku);
    }
  }

  /**
   * Changes the given fields. Archived products are read-only (409
   * `product_archived`): the contract offers no way back to active, so an
   * edit would be invisible anyway. A new price that would put a cart's
   * total beyond what the API represents is refused (409
   * `quantity_limit_exceeded`), so reading that cart never fails: cart
   * writes lock the product (`for share`), so no cart change slips between.
   */
  async update(productId: string, input: ProductUpdate): Promise<Product> {
    if (input.price) assertSafeAmount(input.price.amount, "/body/price/amount");
    const current = await this.find(productId);
    if (current.status === "archived") throw new DomainError("product_archived", "Archived products cannot be changed.");
    return this.scope.transaction(async (scope) => {
      const updated = await this.write(scope, productId, input);
      if (input.price && (await cartBeyondLargestAmount(scope, productId))) {
        throw new DomainError(
          "quantity_limit_exceeded",
          "At this price a cart's total would exceed the largest amount the API can represent.",
          {
            fieldErrors: [{ pointer: "/body/price/amount", detail: "puts a cart's total above 9007199254740991" }],
          },
        );
      }
      return updated;
    });
  }

  /** The UPDATE of the given fields; an active product only, a taken SKU → 409 `sku_taken`. */
  private async write(scope: TenantScope, productId: string, input: ProductUpdate): Promise<Product> {
    try {
      const row = await scope
        .updateTable("products")
        .set({
          ...(input.sku !== undefined && { sku: input.sku }),
          ...(input.name !== undefined && { name: input.name }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.price !== undefined && { price_amount: input.price.amount, currency: input.price.currency }),
          updated_at: sql<Date>`now()`,
        })
        .where("id", "=", productId)
        // Archiving between our read and this write must not be overwritten by an edit.
        .where("status", "=", "active")
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new DomainError("product_archived", "Archived products cannot be changed.");
      return toProduct(row);
    } catch (error) {
      throw skuTakenOr(error, input.sku);
    }
  }

  /** Hides the product from the storefront; archiving twice returns it unchanged. */
  async archive(productId: string): Promise<Product> {
    const row = await this.scope
      .updateTable("products")
      .set({ status: "archived", updated_at: sql<Date>`now()` })
      .where("id", "=", productId)
      .where("status", "=", "active")
      .returningAll()
      .executeTakeFirst();
    return toProduct(row ?? (await this.find(productId)));
  }

  /**
   * Adds `delta` to the stock in one conditional UPDATE, so concurrent
   * adjustments and orders can never take it below zero, and records why.
   */
  async adjustInventory(productId: string, input: InventoryAdjustmentCreate): Promise<Product> {
    return this.scope.transaction(async (scope) => {
      const row = await scope
        .updateTable("products")
        .set((eb) => ({ inventory: eb("inventory", "+", input.delta), updated_at: sql<Date>`now()` }))
        .where("id", "=", productId)
        .where(stockStaysInRange(input.delta))
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        const current = await this.find(productId, scope);
        if (current.inventory + input.delta < 0) {
          throw new DomainError("insufficient_inventory", `Only ${current.inventory} of SKU ${current.sku} are in stock.`, {
            fieldErrors: [{ pointer: "/body/delta", detail: `must be >= ${-current.inventory}` }],
          });
        }
        throw inventoryLimitExceeded(current.sku, "the most a product can hold");
      }
      await scope
        .insertInto("inventory_adjustments", {
          id: randomUUID(),
          product_id: productId,
          delta: input.delta,
          reason: input.reason,
          note: input.note ?? null,
        })
        .execute();
      return toProduct(row);
    });
  }

  /** `scope` must be the transaction's when called inside one (PGlite has a single connection). */
  private async find(productId: string, scope = this.scope): Promise<ProductRow> {
    const row = await scope.selectFrom("products").selectAll().where("id", "=", productId).executeTakeFirst();
    if (!row) throw new DomainError("product_not_found", `No product ${productId} in this store.`);
    return row;
  }
}

function skuTakenOr(error: unknown, sku: string | undefined): unknown {
  if (isUniqueViolation(error, "products_sku_unique")) {
    return new DomainError("sku_taken", `Another product of this store has SKU ${sku}.`, {
      fieldErrors: [{ pointer: "/body/sku", detail: "is already in use" }],
    });
  }
  return error;
}
