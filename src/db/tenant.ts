import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

declare const tenantBrand: unique symbol;

/**
 * A tenant (store) id that came from a resolved principal. Services take a
 * `Tenant`, never a bare string, so a query cannot be built without one.
 */
export type Tenant = { readonly organizationId: string } & { readonly [tenantBrand]: true };

/** Only the principal resolver (and tests) mint tenants. */
export function tenantOf(organizationId: string): Tenant {
  return { organizationId } as Tenant;
}

export type Db = Kysely<Database> | Transaction<Database>;
