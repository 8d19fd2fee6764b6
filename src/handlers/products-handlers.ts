import type { Kysely } from "kysely";
import type { Handlers } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import { ProductCatalogService } from "../services/product-catalog-service.js";
import type { AppContext } from "./app-context.js";

/** Storefront catalog: active products only. */
export function createProductsHandlers(db: Kysely<Database>): Pick<Handlers<AppContext>, "listProducts" | "getProduct"> {
  return {
    async listProducts({ query }, { tenant }) {
      return { status: 200, body: await new ProductCatalogService(db, tenant).list(query) };
    },
    async getProduct({ params }, { tenant }) {
      return { status: 200, body: await new ProductCatalogService(db, tenant).get(params.product_id) };
    },
  };
}
