import type { Kysely } from "kysely";
import type { Handlers } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import { IdempotencyService } from "../services/idempotency-service.js";
import { OrderAdminService } from "../services/order-admin-service.js";
import { OrderQueryService } from "../services/order-query-service.js";
import type { AppContext } from "./app-context.js";
import { callerOf } from "./caller.js";

type AdminOrderOperations = "adminListOrders" | "adminGetOrder" | "adminRefundOrder" | "adminCancelOrder";

/** The merchant's view of every order of the store, refunds and cancellation. */
export function createAdminOrdersHandlers(db: Kysely<Database>): Pick<Handlers<AppContext>, AdminOrderOperations> {
  return {
    async adminListOrders({ query }, { tenant }) {
      return { status: 200, body: await new OrderQueryService(db, tenant).list(query) };
    },
    async adminGetOrder({ params }, { tenant }) {
      return { status: 200, body: await new OrderQueryService(db, tenant).get(params.order_id) };
    },
    async adminRefundOrder({ params, headers, body }, { tenant, principal }) {
      const idempotency = new IdempotencyService(db, tenant, callerOf(principal));
      // The order id is part of the request: the same key and body on another order is a different request.
      const request = { operationId: "adminRefundOrder", key: headers["Idempotency-Key"], input: { order_id: params.order_id, body } };
      return idempotency.run(request, async (tx) => ({
        status: 201 as const,
        body: await new OrderAdminService(tx, tenant).refund(params.order_id, body),
      }));
    },
    async adminCancelOrder({ params }, { tenant }) {
      return { status: 200, body: await new OrderAdminService(db, tenant).cancel(params.order_id) };
    },
  };
}
