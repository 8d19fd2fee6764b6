import type { Kysely } from "kysely";
import type { Handlers } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import type { AppContext } from "../http/app-context.js";
import { IdempotencyService } from "../services/idempotency-service.js";
import { OrderPlacementService } from "../services/order-placement-service.js";
import { OrderQueryService } from "../services/order-query-service.js";
import { callerOf } from "./caller.js";

/** Storefront orders: a caller places orders and sees only its own. */
export function createOrdersHandlers(db: Kysely<Database>): Pick<Handlers<AppContext>, "placeOrder" | "listOrders" | "getOrder"> {
  return {
    async placeOrder({ headers, body }, { tenant, principal }) {
      const caller = callerOf(principal);
      const idempotency = new IdempotencyService(db, tenant, caller);
      return idempotency.run({ operationId: "placeOrder", key: headers["Idempotency-Key"], input: { body } }, async (tx) => ({
        status: 201 as const,
        body: await new OrderPlacementService(tx, tenant).placeOrder(body.cart_id, caller),
      }));
    },
    async listOrders({ query }, { tenant, principal }) {
      const page = await new OrderQueryService(db, tenant).list({ ...query, placedBy: callerOf(principal) });
      return { status: 200, body: page };
    },
    async getOrder({ params }, { tenant, principal }) {
      return { status: 200, body: await new OrderQueryService(db, tenant).get(params.order_id, callerOf(principal)) };
    },
  };
}
