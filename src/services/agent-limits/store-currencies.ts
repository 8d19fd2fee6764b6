import type { TenantScope } from "../../db/tenant-scope.js";

/** The currencies the store prices its products in (a store has no currency of its own; its products do). */
export async function storeCurrencies(scope: TenantScope): Promise<string[]> {
  const rows = await scope.selectFrom("products").select("currency").distinct().orderBy("currency").execute();
  return rows.map((row) => row.currency);
}
