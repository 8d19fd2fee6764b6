import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Indexes for the catalog reads at a million rows per store (docs/SCALING.md):
 *
 * - `q=` is `name ILIKE '%q%' OR sku ILIKE '%q%'`: no btree serves a
 *   pattern with a leading wildcard, so each column gets a `pg_trgm` GIN
 *   index. A selective term becomes a BitmapOr over the two, a few hundred
 *   rows at most, sorted for the page; a common term is cheaper to find by
 *   walking `products_list_idx` newest first, and the planner picks between
 *   the two from the column statistics. The GIN indexes do not lead with
 *   `organization_id` (that takes `btree_gin`, and for one large store it
 *   adds the store's whole posting list to every search); under Citus each
 *   shard holds only its own stores' rows (docs/SCALING.md).
 * - Both GIN indexes have `fastupdate = off`. With it on, new rows wait in
 *   the index's pending list (up to 4 MB) until a VACUUM; the planner
 *   prices every search by that list, and measured at 20 000 products
 *   after a bulk insert it chose a Seq Scan (63 ms) over the index (0.13 ms
 *   once vacuumed). Catalog writes are rare next to searches, so each
 *   insert pays for its own trigrams instead.
 * - `?currency=` walks `(organization_id, status, currency, created_at, id)`
 *   in page order, so a rare currency costs a page, not a scan of the others.
 *
 * `pg_trgm` is a trusted extension (PostgreSQL 13+): the database owner may
 * create it without superuser. PGlite loads it from
 * `@electric-sql/pglite/contrib/pg_trgm` (db/create-database.ts).
 */
export const searchIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index products_name_trgm_idx on products using gin (name gin_trgm_ops) with (fastupdate = off)`.execute(db);
    await sql`create index products_sku_trgm_idx on products using gin (sku gin_trgm_ops) with (fastupdate = off)`.execute(db);
    await db.schema
      .createIndex("products_currency_list_idx")
      .on("products")
      .columns(["organization_id", "status", "currency", "created_at", "id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("products_currency_list_idx").execute();
    await db.schema.dropIndex("products_sku_trgm_idx").execute();
    await db.schema.dropIndex("products_name_trgm_idx").execute();
  },
};
