import type { components } from "../../generated/openapi.js";
import type { ProductRow } from "../db/schema.js";
import { moneyOf } from "./money.js";

export type Product = components["schemas"]["Product"];

/** A products row → the contract's Product (snake_case, money as `{ amount, currency }`). */
export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: moneyOf(row.price_amount, row.currency),
    inventory: row.inventory,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
