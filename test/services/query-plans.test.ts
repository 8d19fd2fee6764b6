/*
 * The list queries the services actually run (captured through a Kysely
 * plugin, not rewritten here) are answered from their keyset indexes: the
 * plan names the index and has no Sort node, so a page costs `limit` index
 * entries whatever the store's size. Sequential scans are disabled for the
 * transaction so the small test tables cannot hide a missing index.
 */
import { randomUUID } from "node:crypto";
import { CompiledQuery, type KyselyPlugin, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, type Tenant, tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { encodeCursor } from "../../src/services/keyset-cursor.js";
import { OrderQueryService } from "../../src/services/order-query-service.js";
import { ProductCatalogService } from "../../src/services/product-catalog-service.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
const tenant = tenantOf(`org-${randomUUID()}`);
const cursor = encodeCursor("orders", { createdAt: "2025-06-01T00:00:00.000000Z", id: randomUUID() });

beforeAll(async () => {
  server = await startCommerceServer();
  await seed(tenant);
  await seed(tenantOf(`org-${randomUUID()}`));
  await sql`analyze`.execute(server.db);
});
afterAll(() => server.close());

/** 300 products and 300 orders (3 callers, 4 statuses) for one store. */
async function seed(store: Tenant): Promise<void> {
  const scope = new TenantScope(server.db, store);
  const at = (index: number) => new Date(Date.UTC(2025, 0, 1) + index * 60_000);
  const products = Array.from({ length: 300 }, (_, index) => ({
    id: randomUUID(),
    sku: `P-${index}`,
    name: `Product ${index}`,
    price_amount: 100,
    currency: index % 2 ? "EUR" : "USD",
    inventory: 5,
    status: index % 10 ? ("active" as const) : ("archived" as const),
    created_at: at(index),
  }));
  await scope.insertInto("products", products).execute();
  const carts = products.map((_, index) => ({ id: randomUUID(), currency: "EUR", status: "ordered" as const, created_at: at(index) }));
  await scope.insertInto("carts", carts).execute();
  const statuses = ["paid", "partially_refunded", "refunded", "cancelled"] as const;
  await scope
    .insertInto(
      "orders",
      carts.map((cart, index) => ({
        id: randomUUID(),
        cart_id: cart.id,
        status: statuses[index % 4]!,
        currency: "EUR",
        subtotal_amount: 100,
        total_amount: 100,
        refunded_amount: 0,
        placed_by: `caller-${index % 3}`,
        created_at: at(index),
      })),
    )
    .execute();
}

/** EXPLAIN of the first query `run` sends, inside a transaction with seq scans off. */
async function planOf(run: (db: Db) => Promise<unknown>): Promise<string> {
  return server.db.transaction().execute(async (tx) => {
    await sql`set local enable_seqscan = off`.execute(tx);
    const captured: CompiledQuery[] = [];
    const capture: KyselyPlugin = {
      transformQuery: (args) => {
        captured.push(tx.getExecutor().compileQuery(args.node, args.queryId));
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    await run(tx.withPlugin(capture));
    const query = captured[0]!;
    const plan = await tx.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
    return plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
  });
}

/** Read in index order (no Sort), and a cursor is an index bound, not a filter over skipped rows. */
function expectIndexOrder(plan: string, index: string, withCursor: boolean): void {
  expect(plan, plan).toContain(`using ${index}`);
  expect(plan, plan).not.toMatch(/\bSort\b|Seq Scan/);
  if (withCursor) expect(plan, plan).toMatch(/Index Cond: .*ROW\(created_at, id\) < ROW\(/);
}

describe("storefront product list", () => {
  it.each([
    { name: "first page", query: { limit: 20 }, index: "products_list_idx" },
    {
      name: "next page",
      query: { limit: 20, cursor: encodeCursor("products", { createdAt: "2025-01-01T02:00:00.000000Z", id: randomUUID() }) },
      index: "products_list_idx",
    },
    // Migration 0012: a currency reads its own keyset index, not every currency's rows.
    { name: "currency filter", query: { limit: 20, currency: "EUR" }, index: "products_currency_list_idx" },
    { name: "text search", query: { limit: 20, q: "duct 1" }, index: "products_list_idx" },
  ])("$name uses $index", async ({ query, index }) => {
    expectIndexOrder(await planOf((db) => new ProductCatalogService(db, tenant).list(query)), index, "cursor" in query);
  });
});

describe("order lists", () => {
  it.each([
    { name: "storefront (own orders)", query: { limit: 20, placedBy: "caller-1" }, index: "orders_caller_list_idx" },
    { name: "storefront, next page", query: { limit: 20, placedBy: "caller-1", cursor }, index: "orders_caller_list_idx" },
    { name: "admin", query: { limit: 20 }, index: "orders_list_idx" },
    { name: "admin, next page", query: { limit: 20, cursor }, index: "orders_list_idx" },
    { name: "admin by status", query: { limit: 20, status: "refunded" as const }, index: "orders_status_list_idx" },
    { name: "admin by status, next page", query: { limit: 20, status: "refunded" as const, cursor }, index: "orders_status_list_idx" },
  ])("$name uses $index", async ({ query, index }) => {
    expectIndexOrder(await planOf((db) => new OrderQueryService(db, tenant).list(query)), index, "cursor" in query);
  });
});
