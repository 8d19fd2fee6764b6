import type { Kysely } from "kysely";
import type { Handlers } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import { IdempotencyService } from "../services/idempotency-service.js";
import { OrderPlacementService } from "../services/order-placement-service.js";
import { OrderQueryService } from "../services/order-query-service.js";
import type { AppContext } from "./app-context.js";
import { callerOf } from "./caller.js";
import { argumentView } from "./grant-constraints-guard.js";
import { limitedAgentOf } from "./limited-agent.js";

/** Storefront orders: a caller places orders and sees only its own. */
export function createOrdersHandlers(db: Kysely<Database>): Pick<Handlers<AppContext>, "placeOrder" | "listOrders" | "getOrder"> {
  return {
    async placeOrder(input, { tenant, principal }) {
      const { headers, body } = input;
      const caller = callerOf(principal);
      const idempotency = new IdempotencyService(db, tenant, caller);
      // An agent approved within limits (e.g. a maximum total) is checked on the priced order, inside its transaction;
      // so are the merchant's limits for it (maximum total, line quantity, budget: see spend-control.ts).
      const gate = principal.constraintGates?.get("placeOrder");
      const approve = gate
        ? (total: { amount: number; currency: string }) =>
            gate.assert({ ...argumentView("placeOrder", input), total_amount: total.amount, currency: total.currency })
        : undefined;
      return idempotency.run({ operationId: "placeOrder", key: headers["Idempotency-Key"], input: { body } }, async (tx) => ({
        status: 201 as const,
        body: await new OrderPlacementService(tx, tenant).placeOrder(body.cart_id, caller, approve, limitedAgentOf(principal)),
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
