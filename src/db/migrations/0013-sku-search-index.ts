import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The SKU side of `q=` reads a trigram index on the SKU's letters and digits
 * only, lower-cased (`SKU_CHARS`), instead of on the SKU itself
 * (docs/SCALING.md).
 *
 * pg_trgm splits text into words at every character that is not a letter or
 * digit, and pads each word: `CER-CLO-J7AOHS` gives `"  c"`, `" cl"`,
 * `"lo "`… A SKU search then needs those word-edge trigrams too, and in a
 * catalog whose SKUs are built from a few short codes they sit in a large
 * share of all rows: at 1M products such a search read 295 index pages
 * (5–12 ms) to find one row. `cercloj7aohs` has no word edges inside the
 * pattern, only its own rare trigrams: 75 pages, 0.7 ms.
 *
 * The query keeps `sku ILIKE '%q%'` as the condition that decides, and
 * adds `SKU_CHARS LIKE '%' || (q's letters and digits, lower-cased) || '%'`
 * for the index: deleting the same characters from both strings keeps a
 * substring a substring, so every row the ILIKE matches also matches the
 * indexed condition (services/product-catalog-service.ts).
 */
export const SKU_CHARS = "regexp_replace(lower(sku), '[^[:alnum:]]+', '', 'g')";

export const skuSearchIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index products_sku_chars_trgm_idx on products using gin ((${sql.raw(SKU_CHARS)}) gin_trgm_ops) with (fastupdate = off)`.execute(
      db,
    );
    await sql`drop index products_sku_trgm_idx`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`create index products_sku_trgm_idx on products using gin (sku gin_trgm_ops) with (fastupdate = off)`.execute(db);
    await sql`drop index products_sku_chars_trgm_idx`.execute(db);
  },
};
