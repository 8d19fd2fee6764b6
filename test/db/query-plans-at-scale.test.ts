/*
 * Every read (and the order placement) at a size where the planner has a
 * real choice: a store of 8 000 bulk products and orders (src/app/bulk-seed.ts)
 * beside a small one, VACUUM ANALYZEd, planner settings untouched. The SQL is what
 * the services send (captured by a Kysely plugin while they run), EXPLAINed
 * in JSON; no plan may read a big table sequentially. (test/services/
 * query-plans.test.ts checks, on small tables with seq scans disabled, that
 * the lists read in index order.)
 *
 * 8 000 rather than a million: the plans are already index-based here, and
 * the store grows in seconds (under 30 s for this file on PGlite). Shown to
 * bite: with either trigram index dropped (products_name_trgm_idx,
 * products_sku_chars_trgm_idx), the selective, rare-word and SKU searches
 * fail (Seq Scan on products). It checks scans, not index choice: without
 * `orders_caller_list_idx` the caller's list walks `orders_list_idx` and
 * filters, which passes here.
 */
import { randomUUID } from "node:crypto";
import { CompiledQuery, type Kysely, type KyselyPlugin, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { growStore, RARE_WORD, SYLLABLES } from "../../src/app/bulk-seed.js";
import { migrateCommerce } from "../../src/db/migrate-commerce.js";
import type { Database } from "../../src/db/schema.js";
import { type Db, tenantOf } from "../../src/db/tenant.js";
import { CartService } from "../../src/services/cart-service.js";
import { encodeCursor } from "../../src/services/keyset-cursor.js";
import { OrderPlacementService } from "../../src/services/order-placement-service.js";
import { OrderQueryService } from "../../src/services/order-query-service.js";
import { ProductCatalogService } from "../../src/services/product-catalog-service.js";
import { createTestDatabase } from "../support/test-database.js";

const SIZE = 8_000;
/** Tables that grow with the store: a sequential scan of any of them costs the whole store. */
const BIG_TABLES = new Set(["products", "orders", "order_items", "carts", "cart_items", "inventory_adjustments", "refunds"]);
const store = tenantOf(`org-${randomUUID()}`);
const caller = "api_key:plan-test";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<Database>;
let deepCursor: string;
let productId: string;
let sku: string;
let orderId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await migrateCommerce(db);
  const callers = [caller, ...Array.from({ length: 9 }, (_, index) => `api_key:other-${index}`)];
  await growStore(db, { organizationId: store.organizationId, products: SIZE, orders: SIZE, callers });
  await growStore(db, { organizationId: `org-${randomUUID()}`, products: 1_000, orders: 1_000 });
  await sql`vacuum analyze`.execute(db);
  const middle = await sql<{ id: string; at: string }>`
    select id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at from products
    where organization_id = ${store.organizationId} and status = 'active' order by created_at desc, id desc offset ${SIZE / 2} limit 1`.execute(
    db,
  );
  deepCursor = encodeCursor("products", { createdAt: middle.rows[0]!.at, id: middle.rows[0]!.id });
  const product = await sql<{ id: string }>`
    select id from products where organization_id = ${store.organizationId} and status = 'active' and currency = 'EUR' and inventory > 10
    limit 1`.execute(db);
  productId = product.rows[0]!.id;
  const skuRow = await sql<{ sku: string }>`
    select sku from products where organization_id = ${store.organizationId} and status = 'active'
      and id in (select md5(${store.organizationId} || ':p:' || n)::uuid from generate_series(4242, 4262) as n)
    order by created_at limit 1`.execute(db);
  sku = skuRow.rows[0]!.sku;
  const order = await sql<{
    id: string;
  }>`select id from orders where organization_id = ${store.organizationId} and placed_by = ${caller} limit 1`.execute(db);
  orderId = order.rows[0]!.id;
}, 120_000);
afterAll(() => database?.dispose());

/** Every statement `run` sends through the services, compiled as they sent it. */
async function capture(run: (db: Db) => Promise<unknown>): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      captured.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  await run(db.withPlugin(plugin));
  return captured;
}

interface PlanNode {
  readonly "Node Type": string;
  readonly "Relation Name"?: string;
  readonly Plans?: readonly PlanNode[];
}

/** The big tables a plan reads with a Seq Scan. */
function seqScans(node: PlanNode): string[] {
  const own = node["Node Type"] === "Seq Scan" && BIG_TABLES.has(node["Relation Name"] ?? "") ? [node["Relation Name"]!] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

async function planOf(query: CompiledQuery): Promise<PlanNode> {
  const result = await db.executeQuery<{ "QUERY PLAN": unknown }>(
    CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
  );
  const raw = result.rows[0]!["QUERY PLAN"];
  const json = (typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  return json[0].Plan;
}

/** Fails naming each statement (and its plan) that scans a big table. */
async function expectNoSeqScan(run: (db: Db) => Promise<unknown>): Promise<void> {
  const queries = await capture(run);
  expect(queries.length).toBeGreaterThan(0);
  const offenders: string[] = [];
  for (const query of queries) {
    // Transaction control and locks are not planned.
    if (!/^\s*(select|insert|update|delete|with)\b/i.test(query.sql)) continue;
    const plan = await planOf(query);
    const scanned = seqScans(plan);
    if (scanned.length > 0) offenders.push(`Seq Scan on ${scanned.join(", ")}:\n${query.sql}\n${JSON.stringify(plan, null, 1)}`);
  }
  expect(offenders, offenders.join("\n\n")).toEqual([]);
}

const catalog = (db: Db) => new ProductCatalogService(db, store);
const orders = (db: Db) => new OrderQueryService(db, store);

describe(`at ${SIZE} products and orders, no read scans a big table`, () => {
  it.each([
    { name: "listProducts, first page", query: { limit: 20 } },
    { name: "listProducts, deep cursor", query: () => ({ limit: 20, cursor: deepCursor }) },
    { name: "listProducts, selective q", query: { limit: 20, q: SYLLABLES.slice(0, 3).join("") } },
    { name: "listProducts, common q", query: { limit: 20, q: "organic" } },
    { name: "listProducts, rare q (20 products)", query: { limit: 20, q: RARE_WORD.toLowerCase() } },
    { name: "listProducts, q = a SKU", query: () => ({ limit: 20, q: sku }) },
    { name: "listProducts, rare currency", query: { limit: 20, currency: "CHF" } },
    { name: "listProducts, currency and q", query: { limit: 20, currency: "GBP", q: "linen" } },
  ])("$name", async ({ query }) => {
    const resolved = typeof query === "function" ? query() : query;
    await expectNoSeqScan((db) => catalog(db).list(resolved));
  });

  it("getProduct", async () => {
    await expectNoSeqScan((db) => catalog(db).get(productId));
  });

  it.each([
    { name: "listOrders (the caller's own)", query: { limit: 20, placedBy: caller } },
    { name: "adminListOrders", query: { limit: 20 } },
    { name: "adminListOrders by status", query: { limit: 20, status: "refunded" as const } },
  ])("$name", async ({ query }) => {
    await expectNoSeqScan((db) => orders(db).list(query));
  });

  it("getOrder and adminGetOrder", async () => {
    await expectNoSeqScan((db) => orders(db).get(orderId, caller));
    await expectNoSeqScan((db) => orders(db).get(orderId));
  });

  it("createCart, addCartItem and placeOrder", async () => {
    await expectNoSeqScan(async (db) => {
      const cart = await new CartService(db, store).create("EUR");
      await new CartService(db, store).addItem(cart.id, { product_id: productId, quantity: 1 });
      await new OrderPlacementService(db, store).placeOrder(cart.id, caller);
    });
  });
});
