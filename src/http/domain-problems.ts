import { HttpProblem } from "../../generated/routes.js";
import { DomainError, type DomainErrorCode } from "../services/domain-error.js";

/**
 * The HTTP answer to each refusal the services throw: its status and title,
 * in one table typed by the domain codes, so a new code without a status
 * does not compile. The statuses are the contract's (each operation declares
 * the ones it can answer with; test/contract/declared-statuses.test.ts checks).
 */
const DOMAIN_PROBLEMS: Readonly<Record<DomainErrorCode, readonly [status: number, title: string]>> = {
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
  // 403 like `constraint_violated`: a well-formed call the merchant does not allow this agent.
  order_total_limit_exceeded: [403, "Order total above the merchant's limit"],
  line_quantity_limit_exceeded: [403, "Line quantity above the merchant's limit"],
  budget_exceeded: [403, "Budget exceeded"],
};

/** The HTTP status a domain code is answered with. */
export function statusOfDomainCode(code: DomainErrorCode): number {
  return DOMAIN_PROBLEMS[code][0];
}

/**
 * The problem a domain error is answered with; undefined for any other error.
 *
 * @example problemOfDomainError(new DomainError("cart_empty", "Add items first."))?.status // 409
 */
export function problemOfDomainError(error: unknown): HttpProblem | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const [status, title] = DOMAIN_PROBLEMS[error.code];
  return new HttpProblem(status, error.code, title, error.detail, error.fieldErrors && [...error.fieldErrors], {}, error.members);
}
