import type { Kysely } from "kysely";
import type { Handlers } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import { createAdminOrdersHandlers } from "./admin-orders-handlers.js";
import { createAdminProductsHandlers } from "./admin-products-handlers.js";
import type { AppContext } from "./app-context.js";
import { createCartsHandlers } from "./carts-handlers.js";
import { withGrantConstraints } from "./grant-constraints-guard.js";
import { createOrdersHandlers } from "./orders-handlers.js";
import { createProductsHandlers } from "./products-handlers.js";

/**
 * Every operation of the contract, by area. The `Handlers` type makes a
 * missing operation (after a contract change) a compile error here.
 * Authorization is done before: the context factory refuses callers without
 * the operation's scope, and hands each handler its tenant; agents' grant
 * constraints are checked on the validated input (withGrantConstraints).
 *
 * @example
 * app.use(createRouter(createHandlers(db), { context: createContextFactory(auth, db) }));
 */
export function createHandlers(db: Kysely<Database>): Handlers<AppContext> {
  return withGrantConstraints({
    ...createProductsHandlers(db),
    ...createAdminProductsHandlers(db),
    ...createCartsHandlers(db),
    ...createOrdersHandlers(db),
    ...createAdminOrdersHandlers(db),
  });
}
