/*
 * Catalog operations over HTTP: the merchant's create / update / archive /
 * inventory adjustments, and the storefront's list (filters, keyset
 * pagination, cursors) and get.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { CommerceClient, expectProblem, MISSING_ID, nextSku, type Product, type ProductList } from "./support/commerce-client.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
let shop: CommerceClient;

beforeAll(async () => {
  server = await startCommerceServer();
  shop = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
});
afterAll(() => server.close());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

describe("adminCreateProduct", () => {
  it("creates an active product; description null and inventory 0 by default", async () => {
    const sku = nextSku("MUG");
    const product = await shop.createProduct({ sku, inventory: undefined, price: { amount: 1299, currency: "USD" } });
    expect(product).toEqual({
      id: expect.any(String),
      sku,
      name: "Blue enamel mug",
      description: null,
      price: { amount: 1299, currency: "USD" },
      inventory: 0,
      status: "active",
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
  });

  it("refuses a SKU already used in the store with 409 sku_taken", async () => {
    const product = await shop.createProduct();
    const again = await shop.request(
      "POST",
      "/v1/admin/products",
      { sku: product.sku, name: "x", price: product.price },
      { "idempotency-key": randomUUID() },
    );
    expect(expectProblem(again, 409, "sku_taken").errors).toEqual([expect.objectContaining({ pointer: "/body/sku" })]);
  });

  it("refuses an amount beyond 2^53 with 400 naming the field", async () => {
    const response = await shop.request(
      "POST",
      "/v1/admin/products",
      { sku: nextSku(), name: "x", price: { amount: 2 ** 60, currency: "EUR" } },
      { "idempotency-key": randomUUID() },
    );
    expect(expectProblem(response, 400, "validation_failed").errors).toEqual([expect.objectContaining({ pointer: "/body/price/amount" })]);
  });
});

describe("adminUpdateProduct", () => {
  it("changes only the given fields; description null clears it", async () => {
    const product = await shop.createProduct({ description: "old" });
    const updated = await shop.expectOk<Product>(200, "PATCH", `/v1/admin/products/${product.id}`, {
      name: "Red mug",
      description: null,
      price: { amount: 999, currency: "EUR" },
    });
    expect(updated).toMatchObject({
      id: product.id,
      sku: product.sku,
      name: "Red mug",
      description: null,
      price: { amount: 999, currency: "EUR" },
    });
    expect(updated.inventory).toBe(product.inventory);
  });

  it("answers 409 sku_taken, 404 product_not_found and 409 product_archived", async () => {
    const first = await shop.createProduct();
    const second = await shop.createProduct();
    expectProblem(await shop.request("PATCH", `/v1/admin/products/${second.id}`, { sku: first.sku }), 409, "sku_taken");
    expectProblem(await shop.request("PATCH", `/v1/admin/products/${MISSING_ID}`, { name: "x" }), 404, "product_not_found");
    await shop.expectOk(200, "POST", `/v1/admin/products/${second.id}/archive`);
    expectProblem(await shop.request("PATCH", `/v1/admin/products/${second.id}`, { name: "x" }), 409, "product_archived");
  });
});

describe("adminArchiveProduct", () => {
  it("archives, hides from the storefront, and archiving again changes nothing", async () => {
    const product = await shop.createProduct();
    const archived = await shop.expectOk<Product>(200, "POST", `/v1/admin/products/${product.id}/archive`);
    expect(archived.status).toBe("archived");
    const again = await shop.expectOk<Product>(200, "POST", `/v1/admin/products/${product.id}/archive`);
    expect(again).toEqual(archived);
    expectProblem(await shop.request("GET", `/v1/products/${product.id}`), 404, "product_not_found");
    const list = await shop.expectOk<ProductList>(200, "GET", `/v1/products?q=${product.sku}`);
    expect(list.data).toEqual([]);
  });

  it("answers 404 for an unknown product", async () => {
    expectProblem(await shop.request("POST", `/v1/admin/products/${MISSING_ID}/archive`), 404, "product_not_found");
  });
});

describe("adminAdjustInventory", () => {
  it("adds and removes stock and records each adjustment with its reason", async () => {
    const product = await shop.createProduct({ inventory: 5 });
    const restocked = await shop.expectOk<Product>(200, "POST", `/v1/admin/products/${product.id}/inventory-adjustments`, {
      delta: 24,
      reason: "restock",
      note: "March pallet",
    });
    expect(restocked.inventory).toBe(29);
    const damaged = await shop.expectOk<Product>(200, "POST", `/v1/admin/products/${product.id}/inventory-adjustments`, {
      delta: -29,
      reason: "damage",
    });
    expect(damaged.inventory).toBe(0);
    const rows = await new TenantScope(server.db, tenantOf(shop.org))
      .selectFrom("inventory_adjustments")
      .select(["delta", "reason", "note"])
      .where("product_id", "=", product.id)
      .orderBy("created_at")
      .execute();
    expect(rows).toEqual([
      { delta: 24, reason: "restock", note: "March pallet" },
      { delta: -29, reason: "damage", note: null },
    ]);
  });

  it("never takes stock below zero (409 insufficient_inventory) and records nothing then", async () => {
    const product = await shop.createProduct({ inventory: 3 });
    const response = await shop.request("POST", `/v1/admin/products/${product.id}/inventory-adjustments`, {
      delta: -4,
      reason: "correction",
    });
    expectProblem(response, 409, "insufficient_inventory");
    const scope = new TenantScope(server.db, tenantOf(shop.org));
    expect(await scope.selectFrom("products").select("inventory").where("id", "=", product.id).executeTakeFirst()).toEqual({
      inventory: 3,
    });
    expect(await scope.selectFrom("inventory_adjustments").select("id").where("product_id", "=", product.id).execute()).toEqual([]);
  });

  it("answers 404 for an unknown product and 400 for a zero delta", async () => {
    expectProblem(
      await shop.request("POST", `/v1/admin/products/${MISSING_ID}/inventory-adjustments`, { delta: 1, reason: "other" }),
      404,
      "product_not_found",
    );
    const product = await shop.createProduct();
    expectProblem(
      await shop.request("POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: 0, reason: "other" }),
      400,
      "validation_failed",
    );
  });
});

describe("getProduct", () => {
  it("returns an active product and 404 for an unknown one", async () => {
    const product = await shop.createProduct();
    expect(await shop.expectOk(200, "GET", `/v1/products/${product.id}`)).toEqual(product);
    expectProblem(await shop.request("GET", `/v1/products/${MISSING_ID}`), 404, "product_not_found");
  });
});

describe("listProducts", () => {
  // A store of its own, so the list holds exactly what these tests create.
  let catalog: CommerceClient;
  const created: Product[] = [];

  beforeAll(async () => {
    catalog = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
    for (let index = 0; index < 23; index += 1) {
      const currency = index % 3 === 0 ? "USD" : "EUR";
      created.push(
        await catalog.createProduct({
          sku: `CAT-${index}`,
          name: index % 5 === 0 ? `Special 100% Mug ${index}` : `Plate ${index}`,
          price: { amount: 100 + index, currency },
        }),
      );
    }
    await catalog.expectOk(200, "POST", `/v1/admin/products/${created[4]!.id}/archive`);
  });

  async function allPages(query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ProductList = await catalog.expectOk<ProductList>(
        200,
        "GET",
        `/v1/products?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.data.length).toBeLessThanOrEqual(limit);
      ids.push(...page.data.map((product) => product.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null);
    return { ids, pages };
  }

  it("pages through active products newest first, each once, archived ones left out", async () => {
    const expected = created
      .filter((_, index) => index !== 4)
      .reverse()
      .map((product) => product.id);
    const { ids, pages } = await allPages("", 5);
    expect(ids).toEqual(expected);
    expect(pages).toBe(5);
  });

  it("uses limit 20 by default and null next_cursor on the last page", async () => {
    const first = await catalog.expectOk<ProductList>(200, "GET", "/v1/products");
    expect(first.data).toHaveLength(20);
    const last = await catalog.expectOk<ProductList>(200, "GET", `/v1/products?cursor=${first.next_cursor}`);
    expect(last).toMatchObject({ data: { length: 2 }, next_cursor: null });
  });

  it("filters by currency and by q (name or SKU, case-insensitive, % taken literally)", async () => {
    const usd = await allPages("&currency=USD", 3);
    expect(usd.ids).toEqual(
      created
        .filter((_, index) => index % 3 === 0)
        .reverse()
        .map((product) => product.id),
    );
    const special = await allPages(`&q=${encodeURIComponent("special 100%")}`, 2);
    expect(special.ids).toEqual(
      created
        .filter((_, index) => index % 5 === 0)
        .reverse()
        .map((product) => product.id),
    );
    const bySku = await allPages("&q=cat-1", 100);
    expect(bySku.ids.length).toBe(11); // CAT-1, CAT-10 … CAT-19
    // The SKU index matches on letters and digits only (migration 0013); the SKU itself still decides.
    expect((await allPages("&q=cat1", 100)).ids).toEqual([]);
    expect((await allPages("&q=T-2", 100)).ids.length).toBe(4); // CAT-2, CAT-20, CAT-21, CAT-22
    expect((await allPages("&q=100_", 100)).ids).toEqual([]);
  });

  it("keeps rows created in the same millisecond apart (cursor keeps microseconds)", async () => {
    const store = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
    const scope = new TenantScope(server.db, tenantOf(store.org));
    const ids = Array.from({ length: 4 }, () => randomUUID());
    await scope
      .insertInto(
        "products",
        ids.map((id, index) => ({
          id,
          sku: `SAME-${index}`,
          name: "Same millisecond",
          price_amount: 1,
          currency: "EUR",
          inventory: 1,
          status: "active" as const,
          // Two pairs share a microsecond, so the id decides between them.
          created_at: `2025-01-01T00:00:00.000${index < 2 ? "001" : "002"}Z`,
        })),
      )
      .execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ProductList = await store.expectOk<ProductList>(200, "GET", `/v1/products?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.data.map((product) => product.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    const [a, b, c, d] = ids as [string, string, string, string];
    expect(seen).toEqual([...[c, d].sort().reverse(), ...[a, b].sort().reverse()]);
  });

  it.each([
    { name: "not base64 JSON", cursor: "!!!" },
    { name: "JSON of another shape", cursor: Buffer.from('{"a":1}').toString("base64url") },
    {
      name: "an orders cursor",
      cursor: Buffer.from(JSON.stringify(["orders", "2025-01-01T00:00:00.000000Z", MISSING_ID])).toString("base64url"),
    },
    {
      name: "an impossible date",
      cursor: Buffer.from(JSON.stringify(["products", "2025-02-30T00:00:00.000000Z", MISSING_ID])).toString("base64url"),
    },
    {
      name: "a bad id",
      cursor: Buffer.from(JSON.stringify(["products", "2025-01-01T00:00:00.000000Z", "x'; drop"])).toString("base64url"),
    },
  ])("answers 400 naming /query/cursor for $name", async ({ cursor }) => {
    const response = await catalog.request("GET", `/v1/products?cursor=${encodeURIComponent(cursor)}`);
    expect(expectProblem(response, 400, "validation_failed").errors).toEqual([expect.objectContaining({ pointer: "/query/cursor" })]);
  });
});
