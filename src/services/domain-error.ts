import type { FieldError, ProblemCode } from "../../generated/routes.js";

/**
 * The refusals the services throw, by code. Each is one of the contract's
 * problem codes (`satisfies` fails the build on a typo), because clients
 * branch on exactly these; the HTTP status and title of each are the HTTP
 * layer's business (src/http/domain-problems.ts), not the services'.
 */
export const domainErrorCodes = [
  "product_not_found",
  "cart_not_found",
  "cart_item_not_found",
  "order_not_found",
  "cart_not_open",
  "cart_empty",
  "currency_mismatch",
  "insufficient_inventory",
  "inventory_limit_exceeded",
  "quantity_limit_exceeded",
  "product_unavailable",
  "product_archived",
  "sku_taken",
  "order_not_refundable",
  "order_not_cancellable",
  "refund_exceeds_remaining",
  "idempotency_request_in_progress",
  "idempotency_key_reused",
  "validation_failed",
  "order_total_limit_exceeded",
  "line_quantity_limit_exceeded",
  "budget_exceeded",
  // The stub `npm run generate -- --scaffold` writes for an operation nobody has implemented yet.
  "not_implemented",
] as const satisfies readonly ProblemCode[];

export type DomainErrorCode = (typeof domainErrorCodes)[number];

export interface DomainErrorOptions {
  /** The input fields at fault, named by the contract's JSON pointers (`/body/sku`). */
  readonly fieldErrors?: readonly FieldError[];
  /** Facts a client can act on, beside the detail (e.g. the budget `remaining`). */
  readonly members?: Readonly<Record<string, unknown>>;
  /** Seconds after which the same call may succeed (answered as `Retry-After`). */
  readonly retryAfterSeconds?: number;
}

/**
 * A business rule refused the call. Services throw it; whoever speaks HTTP
 * turns it into a problem (status and title by code). It deliberately has no
 * `status` or `type`: Express and body-parser read those on errors.
 *
 * @example
 * throw new DomainError("cart_not_open", "This cart has already been turned into an order.");
 */
export class DomainError extends Error {
  readonly fieldErrors: readonly FieldError[] | undefined;
  readonly members: Readonly<Record<string, unknown>>;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: DomainErrorCode,
    readonly detail: string,
    options: DomainErrorOptions = {},
  ) {
    super(detail);
    this.name = "DomainError";
    this.fieldErrors = options.fieldErrors;
    this.members = options.members ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A refused input field, for checks the contract's schemas cannot express. */
export function invalidField(pointer: string, detail: string, code = "invalid"): DomainError {
  return new DomainError("validation_failed", "1 invalid field(s)", { fieldErrors: [{ pointer, detail, code }] });
}
