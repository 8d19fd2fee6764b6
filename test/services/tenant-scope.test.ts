/*
 * The tenant scope is the only way services reach the commerce tables:
 * every builder it returns is filtered on (or stamps) the tenant.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/create-database.js";
import { migrateCommerce } from "../../src/db/migrate-commerce.js";
import { type Db, type Tenant, tenantOf } from "../../src/db/tenant.js";
import { prepareRead, TenantScope } from "../../src/db/tenant-scope.js";
import { CartService } from "../../src/services/cart-service.js";
import { createTestDatabase } from "../support/test-database.js";

let database: DatabaseHandle & { dispose(): Promise<void> };
const a = tenantOf(`org-a-${randomUUID()}`);
const b = tenantOf(`org-b-${randomUUID()}`);

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateCommerce(database.db);
});
afterAll(() => database.dispose());

it("services take a Tenant, never a bare organization id", () => {
  expectTypeOf(CartService).constructorParameters.toEqualTypeOf<[Db, Tenant]>();
  // @ts-expect-error a string is not a Tenant: only the principal resolver (and tests) mint one
  new CartService(database.db, "org-a");
  // Never run: only type-checked.
  const moveToAnotherTenant = (scope: TenantScope) =>
    // @ts-expect-error organization_id is set on insert only, never updated
    scope.updateTable("carts").set({ organization_id: "org-b" });
  expect(moveToAnotherTenant).toBeTypeOf("function");
});

it("stamps inserts and filters selects, updates and deletes by tenant", async () => {
  const scopeA = new TenantScope(database.db, a);
  const scopeB = new TenantScope(database.db, b);
  const id = randomUUID();
  // Even an id given explicitly lands in the scope's own store.
  await scopeA.insertInto("carts", { id, currency: "EUR", status: "open" }).execute();
  await scopeB.insertInto("carts", { id, currency: "USD", status: "open" }).execute();

  expect(await scopeA.selectFrom("carts").select(["organization_id", "currency"]).where("id", "=", id).execute()).toEqual([
    { organization_id: a.organizationId, currency: "EUR" },
  ]);
  await scopeB.updateTable("carts").set({ status: "ordered" }).where("id", "=", id).execute();
  await scopeB.deleteFrom("carts").where("id", "=", id).where("status", "=", "ordered").execute();
  expect(await scopeA.selectFrom("carts").select("status").where("id", "=", id).execute()).toEqual([{ status: "open" }]);
  expect(await scopeB.selectFrom("carts").select("id").execute()).toEqual([]);
});

it("a transaction keeps the tenant", async () => {
  const scope = new TenantScope(database.db, a);
  const count = await scope.transaction(async (tx) => {
    expect(tx.tenant).toBe(a);
    return (await tx.selectFrom("carts").select("id").execute()).length;
  });
  expect(count).toBe(1);
});

it("a prepared read compiles once, with the tenant filter, and binds each run's tenant and values", async () => {
  const id = randomUUID();
  await new TenantScope(database.db, a).insertInto("carts", { id, currency: "EUR", status: "open" }).execute();
  await new TenantScope(database.db, b).insertInto("carts", { id, currency: "USD", status: "open" }).execute();
  let builds = 0;
  const cartById = prepareRead((scope, args: { id: string; currency?: string | undefined }) => {
    builds += 1;
    const select = scope.selectFrom("carts").select(["organization_id", "currency"]).where("id", "=", args.id);
    return args.currency === undefined ? select : select.where("currency", "=", args.currency);
  });
  const sent: { sql: string; parameters: readonly unknown[] }[] = [];
  const runOn = (tenant: Tenant, args: { id: string; currency?: string | undefined }) => {
    const scope = new TenantScope(database.db, tenant);
    const query = cartById.bind(database.db, tenant, args);
    if (query) sent.push({ sql: query.sql, parameters: query.parameters });
    return scope.run(cartById, args);
  };

  expect(await runOn(a, { id })).toEqual([{ organization_id: a.organizationId, currency: "EUR" }]);
  expect(await runOn(b, { id })).toEqual([{ organization_id: b.organizationId, currency: "USD" }]);
  expect(await runOn(b, { id, currency: "EUR" })).toEqual([]);
  expect(await runOn(a, { id: randomUUID() })).toEqual([]);
  // One build per shape (with and without `currency`), not per run.
  expect(builds).toBe(2);
  // The tenant filter is in the SQL the scope writes; only its value changes from run to run.
  expect(sent[0]!.sql).toBe('select "organization_id", "currency" from "carts" where "carts"."organization_id" = $1 and "id" = $2');
  expect(sent.map((query) => query.parameters[0])).toEqual([a.organizationId, b.organizationId, b.organizationId, a.organizationId]);
  expect(sent[2]!.parameters).toEqual([b.organizationId, id, "EUR"]);
});

it("a prepared read refuses a query without the tenant's filter or with a value computed from an argument", async () => {
  const scope = new TenantScope(database.db, a);
  const computed = prepareRead((inner, args: { sku: string }) =>
    inner.selectFrom("products").select("id").where("sku", "=", `${args.sku}-1`),
  );
  await expect(scope.run(computed, { sku: "x" })).rejects.toThrow(/"sku" must each be bound as a parameter/);
  // A query built on the bare database instead of the scope is refused: it has no tenant filter.
  const unscoped = prepareRead((_inner, args: { id: string }) => database.db.selectFrom("carts").select("id").where("id", "=", args.id));
  await expect(scope.run(unscoped, { id: randomUUID() })).rejects.toThrow(/the tenant must each be bound/);
});
