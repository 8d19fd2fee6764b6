/*
 * The tenant scope is the only way services reach the commerce tables:
 * every builder it returns is filtered on (or stamps) the tenant.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/create-database.js";
import { migrateCommerce } from "../../src/db/migrate-commerce.js";
import { type Db, type Tenant, tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
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
