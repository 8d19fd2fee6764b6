/*
 * Contract-shaped answers for responses.yaml: a product, a cart, and handlers
 * that answer with them, so response validation has valid bodies to let pass.
 */
import type { FixtureOperationId, Handlers } from "./generated-router.js";

export const PRODUCT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
export const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";

export interface Product {
  id: string;
  sku: string;
  name: string;
  inventory: number;
}

export interface Cart {
  id: string;
  currency: string;
}

export function product(fields: Partial<Product> = {}): Product {
  return { id: PRODUCT_ID, sku: "MUG-BLUE", name: "Blue enamel mug", inventory: 42, ...fields };
}

export function cart(fields: Partial<Cart> = {}): Cart {
  return { id: CART_ID, currency: "EUR", ...fields };
}

/** Every operation of responses.yaml answering its success status with a valid body; getOutcome succeeds. */
export function catalogHandlers<TContext>(): Handlers<FixtureOperationId<"responses">, TContext> {
  return {
    listProducts: () => ({ status: 200, body: { data: [product()], next_cursor: null } }),
    getProduct: ({ params }) => ({ status: 200, body: product({ id: String(params.product_id) }) }),
    createCart: ({ body }) => ({ status: 201, body: cart({ currency: (body as { currency: string }).currency }) }),
    getCart: ({ params }) => ({ status: 200, body: cart({ id: String(params.cart_id) }) }),
    getOutcome: () => ({ status: 200, body: {} }),
  };
}
