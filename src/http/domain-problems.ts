import type { HttpProblem } from "../../generated/routes.js";
import { DomainError, type DomainErrorCode } from "../services/domain-error.js";
import { httpProblem } from "./problem-titles.js";

/**
 * The HTTP status of each refusal the services throw, in one table typed by
 * the domain codes, so a new code without a status does not compile (its
 * title, like every code's, is in problem-titles.ts). The statuses are the
 * contract's: each operation declares the ones it can answer with
 * (test/contract/declared-statuses.test.ts checks).
 */
const DOMAIN_STATUSES: Readonly<Record<DomainErrorCode, number>> = {
  product_not_found: 404,
  cart_not_found: 404,
  cart_item_not_found: 404,
  order_not_found: 404,
  cart_not_open: 409,
  cart_empty: 409,
  currency_mismatch: 409,
  insufficient_inventory: 409,
  inventory_limit_exceeded: 409,
  quantity_limit_exceeded: 409,
  product_unavailable: 409,
  product_archived: 409,
  sku_taken: 409,
  order_not_refundable: 409,
  order_not_cancellable: 409,
  refund_exceeds_remaining: 409,
  idempotency_request_in_progress: 409,
  idempotency_key_reused: 422,
  validation_failed: 400,
  // 403 like `constraint_violated`: a well-formed call the merchant does not allow this agent.
  order_total_limit_exceeded: 403,
  line_quantity_limit_exceeded: 403,
  budget_exceeded: 403,
  // A scaffolded handler: the operation is in the contract, its implementation is not written yet.
  not_implemented: 501,
};

/** The HTTP status a domain code is answered with. */
export function statusOfDomainCode(code: DomainErrorCode): number {
  return DOMAIN_STATUSES[code];
}

/**
 * The problem a domain error is answered with; undefined for any other error.
 *
 * @example problemOfDomainError(new DomainError("cart_empty", "Add items first."))?.status // 409
 */
export function problemOfDomainError(error: unknown): HttpProblem | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { "Retry-After": String(error.retryAfterSeconds) };
  return httpProblem(
    DOMAIN_STATUSES[error.code],
    error.code,
    error.detail,
    error.fieldErrors && [...error.fieldErrors],
    headers,
    error.members,
  );
}
