import type { Kysely } from "kysely";
import type { Handlers } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import { CartService } from "../services/cart-service.js";
import type { AppContext } from "./app-context.js";
import { limitedAgentOf } from "./limited-agent.js";

type CartOperations = "createCart" | "getCart" | "addCartItem" | "updateCartItem" | "removeCartItem";

/** Storefront carts; every answer is the whole cart at current prices. */
export function createCartsHandlers(db: Kysely<Database>): Pick<Handlers<AppContext>, CartOperations> {
  return {
    async createCart({ body }, { tenant }) {
      return { status: 201, body: await new CartService(db, tenant).create(body.currency) };
    },
    async getCart({ params }, { tenant }) {
      return { status: 200, body: await new CartService(db, tenant).get(params.cart_id) };
    },
    async addCartItem({ params, body }, { tenant, principal }) {
      return { status: 200, body: await new CartService(db, tenant).addItem(params.cart_id, body, limitedAgentOf(principal)) };
    },
    async updateCartItem({ params, body }, { tenant, principal }) {
      return {
        status: 200,
        body: await new CartService(db, tenant).updateItem(params.cart_id, params.item_id, body, limitedAgentOf(principal)),
      };
    },
    async removeCartItem({ params }, { tenant }) {
      return { status: 200, body: await new CartService(db, tenant).removeItem(params.cart_id, params.item_id) };
    },
  };
}
