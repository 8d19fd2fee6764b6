import { type RawBuilder, sql } from "kysely";
import { DomainError } from "./domain-error.js";

/**
 * `products.inventory` is a PostgreSQL `integer`: stock beyond 2^31 − 1 is
 * refused with 409 `inventory_limit_exceeded` (the contract's `maximum` for
 * `Product.inventory`), never left to fail as an out-of-range error (a 500).
 */
export const MAX_INVENTORY = 2_147_483_647;

/**
 * SQL condition for a stock UPDATE: the row's inventory plus `delta` stays
 * within 0…MAX_INVENTORY. Computed in bigint, so the check cannot overflow.
 */
export function stockStaysInRange(delta: number): RawBuilder<boolean> {
  return sql<boolean>`inventory::bigint + ${delta} between 0 and ${MAX_INVENTORY}`;
}

/** The refusal when stock would pass MAX_INVENTORY. */
export function inventoryLimitExceeded(sku: string, detail = "and a product holds at most that"): DomainError {
  return new DomainError("inventory_limit_exceeded", `The stock of SKU ${sku} would exceed ${MAX_INVENTORY} units, ${detail}.`);
}
