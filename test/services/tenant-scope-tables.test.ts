/*
 * TenantScope opens only tables that carry `organization_id`. The type admits
 * exactly those (checked by `npm run typecheck`, which covers test/), and the
 * migrated database agrees with the type's list, so a new tenant table (or a
 * Better Auth table slipping in) is noticed here.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateCommerce } from "../../src/db/migrate-commerce.js";
import type { CommerceTable, TenantScope } from "../../src/db/tenant-scope.js";
import { createTestDatabase } from "../support/test-database.js";

/** Every table the type admits (a missing or extra name fails to compile). */
const TENANT_TABLES = {
  products: true,
  carts: true,
  cart_items: true,
  orders: true,
  order_items: true,
  refunds: true,
  idempotency_keys: true,
  inventory_adjustments: true,
  agent_limits: true,
  agent_budget_entries: true,
} as const satisfies Record<CommerceTable, true>;

// Compile-time only: Better Auth's tables are not reachable through a scope.
// biome-ignore lint/suspicious/noExportsInTest: exported so tsc checks it without vitest running it.
export function betterAuthTablesAreRefused(scope: TenantScope): void {
  // @ts-expect-error agents belong to users, not to a tenant column
  void scope.selectFrom("agent");
  // @ts-expect-error organizations are the tenants themselves
  void scope.selectFrom("organization");
  // @ts-expect-error users span stores
  void scope.updateTable("user");
}

describe("TenantScope's tables", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateCommerce(database.db);
  });
  afterAll(async () => database?.dispose());

  it("are exactly the migrated tables with an organization_id column", async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where column_name = 'organization_id' and table_schema = current_schema()
      order by table_name`.execute(database.db);
    expect(rows.map((row) => row.table_name)).toEqual(Object.keys(TENANT_TABLES).sort());
  });
});
