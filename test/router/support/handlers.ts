/*
 * In-memory handlers for every operation of the contract. Each one records
 * the input and context it was given (so tests can assert the validated,
 * coerced input) and answers with a contract-shaped body that echoes the
 * fields it received.
 */
import type { components } from "../../../generated/openapi.js";
import type { Handlers, OperationId } from "../../../generated/routes.js";

type Schemas = components["schemas"];

export const PRODUCT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";
export const CART_ID = "0b7e4c1a-3f2d-4a8e-9c55-2a1d7e6f4b10";
export const ITEM_ID = "6c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
export const ORDER_ID = "9a3c2b71-5d4e-4f60-8b1a-7c2e3d4f5a69";
export const REFUND_ID = "2e4f6a8c-1b3d-4e5f-a7b9-c1d3e5f7a9b1";

const NOW = "2025-03-14T09:26:53Z";

/** One handler invocation, in call order. */
export interface RecordedCall {
  operationId: OperationId;
  input: unknown;
  context: unknown;
}

export function product(fields: Partial<Schemas["Product"]> = {}): Schemas["Product"] {
  return {
    id: PRODUCT_ID,
    sku: "MUG-BLUE",
    name: "Blue enamel mug",
    description: null,
    price: { amount: 1500, currency: "EUR" },
    inventory: 42,
    status: "active",
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
}

export function cart(fields: Partial<Schemas["Cart"]> = {}): Schemas["Cart"] {
  return {
    id: CART_ID,
    currency: "EUR",
    status: "open",
    items: [],
    subtotal: { amount: 0, currency: "EUR" },
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
}

function cartWithLine(cartId: string, productId: string, quantity: number): Schemas["Cart"] {
  const unitPrice = { amount: 1500, currency: "EUR" };
  const lineTotal = { amount: 1500 * quantity, currency: "EUR" };
  return cart({
    id: cartId,
    items: [{ id: ITEM_ID, product_id: productId, sku: "MUG-BLUE", name: "Blue enamel mug", unit_price: unitPrice, quantity, line_total: lineTotal }],
    subtotal: lineTotal,
  });
}

export function order(fields: Partial<Schemas["Order"]> = {}): Schemas["Order"] {
  const zero = { amount: 0, currency: "EUR" };
  return {
    id: ORDER_ID,
    cart_id: CART_ID,
    status: "paid",
    currency: "EUR",
    items: [],
    subtotal: zero,
    total: zero,
    refunded_amount: zero,
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
}

/** Handlers for every operation; each records its call in `calls`. */
export function createEchoHandlers<TContext>(calls: RecordedCall[]): Handlers<TContext> {
  const record = (operationId: OperationId, input: unknown, context: unknown) => {
    calls.push({ operationId, input, context });
  };
  return {
    listProducts(input, context) {
      record("listProducts", input, context);
      return { status: 200, body: { data: [product()], next_cursor: null } };
    },
    getProduct(input, context) {
      record("getProduct", input, context);
      return { status: 200, body: product({ id: input.params.product_id }) };
    },
    createCart(input, context) {
      record("createCart", input, context);
      return { status: 201, body: cart({ currency: input.body.currency, subtotal: { amount: 0, currency: input.body.currency } }) };
    },
    getCart(input, context) {
      record("getCart", input, context);
      return { status: 200, body: cart({ id: input.params.cart_id }) };
    },
    addCartItem(input, context) {
      record("addCartItem", input, context);
      return { status: 200, body: cartWithLine(input.params.cart_id, input.body.product_id, input.body.quantity) };
    },
    removeCartItem(input, context) {
      record("removeCartItem", input, context);
      return { status: 200, body: cart({ id: input.params.cart_id }) };
    },
    updateCartItem(input, context) {
      record("updateCartItem", input, context);
      return { status: 200, body: cartWithLine(input.params.cart_id, PRODUCT_ID, input.body.quantity) };
    },
    listOrders(input, context) {
      record("listOrders", input, context);
      return { status: 200, body: { data: [order()], next_cursor: null } };
    },
    placeOrder(input, context) {
      record("placeOrder", input, context);
      return { status: 201, body: order({ cart_id: input.body.cart_id }) };
    },
    getOrder(input, context) {
      record("getOrder", input, context);
      return { status: 200, body: order({ id: input.params.order_id }) };
    },
    adminCreateProduct(input, context) {
      record("adminCreateProduct", input, context);
      const { sku, name, price, description, inventory } = input.body;
      return { status: 201, body: product({ sku, name, price, description: description ?? null, inventory: inventory ?? 0 }) };
    },
    adminUpdateProduct(input, context) {
      record("adminUpdateProduct", input, context);
      return { status: 200, body: product({ id: input.params.product_id, ...input.body }) };
    },
    adminArchiveProduct(input, context) {
      record("adminArchiveProduct", input, context);
      return { status: 200, body: product({ id: input.params.product_id, status: "archived" }) };
    },
    adminAdjustInventory(input, context) {
      record("adminAdjustInventory", input, context);
      return { status: 200, body: product({ id: input.params.product_id, inventory: 42 + input.body.delta }) };
    },
    adminListOrders(input, context) {
      record("adminListOrders", input, context);
      return { status: 200, body: { data: [order({ status: input.query.status ?? "paid" })], next_cursor: null } };
    },
    adminGetOrder(input, context) {
      record("adminGetOrder", input, context);
      return { status: 200, body: order({ id: input.params.order_id }) };
    },
    adminRefundOrder(input, context) {
      record("adminRefundOrder", input, context);
      const refund = { id: REFUND_ID, order_id: input.params.order_id, amount: input.body.amount, reason: input.body.reason ?? null, created_at: NOW };
      return { status: 201, body: refund };
    },
    adminCancelOrder(input, context) {
      record("adminCancelOrder", input, context);
      return { status: 200, body: order({ id: input.params.order_id, status: "cancelled" }) };
    },
  };
}
