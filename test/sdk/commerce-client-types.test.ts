/*
 * The commerce client's types follow the contract: typed data and problems,
 * and inputs the contract forbids do not compile. Type-only: no call is made.
 * (Moved from test/router/sdk.test.ts, which checks the SDK's behaviour
 * against a fixture spec's router.)
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { type components, createCommerceClient } from "../../generated/sdk/index.js";

type Schemas = components["schemas"];

const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";
const PRODUCT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

describe("createCommerceClient types", () => {
  it("type data and error by the contract", () => {
    const client = createCommerceClient({ baseUrl: "http://127.0.0.1:1" });
    const never = async () => {
      const products = await client.GET("/v1/products", { params: { query: { limit: 5, q: "mug" } } });
      expectTypeOf(products.data).toEqualTypeOf<Schemas["ProductList"] | undefined>();
      expectTypeOf(products.error).toEqualTypeOf<Schemas["Problem"] | undefined>();
      const item = await client.POST("/v1/carts/{cart_id}/items", {
        params: { path: { cart_id: CART_ID } },
        body: { product_id: PRODUCT_ID, quantity: 3 },
      });
      expectTypeOf(item.data).toEqualTypeOf<Schemas["Cart"] | undefined>();
      const order = await client.POST("/v1/orders", {
        params: { header: { "Idempotency-Key": "order-key-1" } },
        body: { cart_id: CART_ID },
      });
      expectTypeOf(order.data).toEqualTypeOf<Schemas["Order"] | undefined>();
    };
    expect(typeof never).toBe("function");
  });

  it("reject inputs the contract forbids", () => {
    const client = createCommerceClient({ baseUrl: "http://127.0.0.1:1" });
    const never = () => {
      // @ts-expect-error limit is an integer, not a string
      void client.GET("/v1/products", { params: { query: { limit: "5" } } });
      // @ts-expect-error the body is required
      void client.POST("/v1/carts", {});
      // @ts-expect-error the Idempotency-Key header is required
      void client.POST("/v1/orders", { body: { cart_id: CART_ID } });
      // @ts-expect-error the contract has no such path
      void client.GET("/v1/nope");
    };
    expect(typeof never).toBe("function");
  });
});
