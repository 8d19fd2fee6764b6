import type { Kysely } from "kysely";
import type { Handlers } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import { IdempotencyService } from "../services/idempotency-service.js";
import { ProductAdminService } from "../services/product-admin-service.js";
import type { AppContext } from "./app-context.js";
import { callerOf } from "./caller.js";

type AdminProductOperations = "adminCreateProduct" | "adminUpdateProduct" | "adminArchiveProduct" | "adminAdjustInventory";

/** The merchant's catalog management. */
export function createAdminProductsHandlers(db: Kysely<Database>): Pick<Handlers<AppContext>, AdminProductOperations> {
  return {
    async adminCreateProduct({ headers, body }, { tenant, principal }) {
      const idempotency = new IdempotencyService(db, tenant, callerOf(principal));
      return idempotency.run({ operationId: "adminCreateProduct", key: headers["Idempotency-Key"], input: { body } }, async (tx) => ({
        status: 201 as const,
        body: await new ProductAdminService(tx, tenant).create(body),
      }));
    },
    async adminUpdateProduct({ params, body }, { tenant }) {
      return { status: 200, body: await new ProductAdminService(db, tenant).update(params.product_id, body) };
    },
    async adminArchiveProduct({ params }, { tenant }) {
      return { status: 200, body: await new ProductAdminService(db, tenant).archive(params.product_id) };
    },
    async adminAdjustInventory({ params, body }, { tenant }) {
      return { status: 200, body: await new ProductAdminService(db, tenant).adjustInventory(params.product_id, body) };
    },
  };
}
