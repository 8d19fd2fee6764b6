import { HttpProblem, type FieldError } from "../../generated/routes.js";

/**
 * The problem codes the commerce services answer with, each with its status
 * and title in one table, so a code cannot drift from its status. These are
 * the codes the contract lists under each operation; clients branch on them.
 */
const PROBLEMS = {
  product_not_found: [404, "Product not found"],
  cart_not_found: [404, "Cart not found"],
  cart_item_not_found: [404, "Cart item not found"],
  order_not_found: [404, "Order not found"],
  cart_not_open: [409, "Cart is not open"],
  cart_empty: [409, "Cart is empty"],
  currency_mismatch: [409, "Currency mismatch"],
  insufficient_inventory: [409, "Not enough stock"],
  inventory_limit_exceeded: [409, "Stock limit exceeded"],
  quantity_limit_exceeded: [409, "Quantity limit exceeded"],
  product_unavailable: [409, "Product unavailable"],
  product_archived: [409, "Product is archived"],
  sku_taken: [409, "SKU already in use"],
  order_not_refundable: [409, "Order cannot be refunded"],
  order_not_cancellable: [409, "Order cannot be cancelled"],
  refund_exceeds_remaining: [409, "Refund exceeds the remaining amount"],
  idempotency_request_in_progress: [409, "A request with this idempotency key is in progress"],
  idempotency_key_reused: [422, "Idempotency key reused with a different request"],
  validation_failed: [400, "Invalid request"],
} as const satisfies Record<string, readonly [number, string]>;

export type CommerceProblemCode = keyof typeof PROBLEMS;

/**
 * Builds the problem for `code`; throw it from a service.
 *
 * @example
 * throw commerceProblem("cart_not_open", "This cart has already been turned into an order.");
 */
export function commerceProblem(code: CommerceProblemCode, detail?: string, errors?: FieldError[]): HttpProblem {
  const [status, title] = PROBLEMS[code];
  return new HttpProblem(status, code, title, detail, errors);
}

/** A 400 naming one field, for checks the contract's schemas cannot express. */
export function invalidField(pointer: string, detail: string, code = "invalid"): HttpProblem {
  return commerceProblem("validation_failed", "1 invalid field(s)", [{ pointer, detail, code }]);
}
