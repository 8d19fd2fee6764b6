import { sql } from "kysely";
import { SKU_CHARS } from "../db/migrations/0013-sku-search-index.js";
import type { Db, Tenant } from "../db/tenant.js";
import { prepareRead, TenantScope } from "../db/tenant-scope.js";
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

  /** Newest first, `query.limit` at most, after the cursor's position (see `activeProductsPage`). */
  async list(query: ProductListQuery): Promise<Page<Product>> {
    const after = query.cursor === undefined ? undefined : decodeCursor("products", query.cursor);
    const rows = await this.scope.run(activeProductsPage, {
      afterCreatedAt: after?.createdAt,
      afterId: after?.id,
      currency: query.currency,
      q: query.q,
      pattern: query.q === undefined ? undefined : `%${escapeLike(query.q)}%`,
      limit: query.limit + 1,
    });
    const page = toPage("products", rows, query.limit);
    return { data: page.rows.map(toProduct), next_cursor: page.nextCursor };
  }

  /** An active product; archived or unknown → 404 `product_not_found`. */
  async get(productId: string): Promise<Product> {
    const [row] = await this.scope.run(activeProductById, { productId });
    if (!row) throw new DomainError("product_not_found", `No product ${productId} in this store.`);
    return toProduct(row);
  }
}

/**
 * Newest first, keyset-paginated on `(created_at, id)`; the query matches
 * the `products_list_idx (organization_id, status, created_at, id)` index.
 * Each absent filter (no cursor, currency or search) is absent from the SQL.
 */
const activeProductsPage = prepareRead(
  (
    scope,
    args: {
      afterCreatedAt?: string | undefined;
      afterId?: string | undefined;
      currency?: string | undefined;
      /** The search text as given, and as an ILIKE pattern (its wildcards escaped). */
      q?: string | undefined;
      pattern?: string | undefined;
      limit: number;
    },
  ) => {
    let select = scope
      .selectFrom("products")
      .selectAll()
      .select(cursorTimestamp("products").as("cursor_at"))
      .where("status", "=", "active");
    if (args.afterCreatedAt !== undefined && args.afterId !== undefined)
      select = select.where(afterPosition("products", { createdAt: args.afterCreatedAt, id: args.afterId }));
    if (args.currency !== undefined) select = select.where("currency", "=", args.currency);
    const { q, pattern } = args;
    if (q !== undefined && pattern !== undefined) {
      // The SKU's ILIKE decides (and runs first: it is cheap, the regexp is not); the LIKE on its
      // letters and digits (a superset) is what its index serves (migration 0013).
      const skuChars = sql<boolean>`${sql.raw(SKU_CHARS)} like '%' || regexp_replace(lower(${q}::text), '[^[:alnum:]]+', '', 'g') || '%'`;
      select = select.where((eb) => eb.or([eb("name", "ilike", pattern), eb.and([eb("sku", "ilike", pattern), skuChars])]));
    }
    return select.orderBy("created_at", "desc").orderBy("id", "desc").limit(args.limit);
  },
);

const activeProductById = prepareRead((scope, args: { productId: string }) =>
  scope.selectFrom("products").selectAll().where("id", "=", args.productId).where("status", "=", "active"),
);

/** `q` is plain text: its `%`, `_` and `\` must not act as ILIKE wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}
