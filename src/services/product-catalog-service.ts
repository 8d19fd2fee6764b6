import { sql } from "kysely";
import { SKU_CHARS } from "../db/migrations/0013-sku-search-index.js";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { DomainError } from "./domain-error.js";
import { afterPosition, cursorTimestamp, decodeCursor, type Page, toPage } from "./keyset-cursor.js";
import { type Product, toProduct } from "./product-mapper.js";

export interface ProductListQuery {
  readonly limit: number;
  readonly cursor?: string | undefined;
  /** Case-insensitive text the name or SKU must contain. */
  readonly q?: string | undefined;
  readonly currency?: string | undefined;
}

/**
 * The storefront's view of the catalog: active products only. Archived ones
 * stay in the table (orders and carts still point at them) but are invisible
 * here, exactly like another store's products.
 */
export class ProductCatalogService {
  private readonly scope: TenantScope;

  constructor(db: Db, tenant: Tenant) {
    this.scope = new TenantScope(db, tenant);
  }

  /**
   * Newest first, keyset-paginated on `(created_at, id)`; the query matches
   * the `products_list_idx (organization_id, status, created_at, id)` index.
   */
  async list(query: ProductListQuery): Promise<Page<Product>> {
    let select = this.scope
      .selectFrom("products")
      .selectAll()
      .select(cursorTimestamp("products").as("cursor_at"))
      .where("status", "=", "active");
    if (query.cursor !== undefined) select = select.where(afterPosition("products", decodeCursor("products", query.cursor)));
    if (query.currency !== undefined) select = select.where("currency", "=", query.currency);
    if (query.q !== undefined) {
      const pattern = `%${escapeLike(query.q)}%`;
      // The SKU's ILIKE decides (and runs first: it is cheap, the regexp is not); the LIKE on its
      // letters and digits (a superset) is what its index serves (migration 0013).
      const skuChars = sql<boolean>`${sql.raw(SKU_CHARS)} like '%' || regexp_replace(lower(${query.q}::text), '[^[:alnum:]]+', '', 'g') || '%'`;
      select = select.where((eb) => eb.or([eb("name", "ilike", pattern), eb.and([eb("sku", "ilike", pattern), skuChars])]));
    }
    const rows = await select
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(query.limit + 1)
      .execute();
    const page = toPage("products", rows, query.limit);
    return { data: page.rows.map(toProduct), next_cursor: page.nextCursor };
  }

  /** An active product; archived or unknown → 404 `product_not_found`. */
  async get(productId: string): Promise<Product> {
    const row = await this.scope
      .selectFrom("products")
      .selectAll()
      .where("id", "=", productId)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (!row) throw new DomainError("product_not_found", `No product ${productId} in this store.`);
    return toProduct(row);
  }
}

/** `q` is plain text: its `%`, `_` and `\` must not act as ILIKE wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}
