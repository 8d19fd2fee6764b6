/*
 * Problem details (RFC 9457) as the router answers them: the field errors of
 * an invalid request, the contract's problem codes, the protocol fields every
 * problem carries and `HttpProblem`, which handlers throw. No Express here:
 * `response.ts` writes a problem onto a response.
 */

/**
 * One invalid field of a request, named by a JSON pointer prefixed with its
 * location: `/path/...`, `/query/...`, `/header/<lower-case name>`, `/body/...`.
 */
export interface FieldError {
  pointer: string;
  detail: string;
  code?: string;
}

/**
 * RFC 9457 problem details, with a stable machine-readable `code` and per-field
 * `errors`, plus the Agent Auth protocol's `error` (= `code`) and `message`
 * (= `detail`, else `title`), which protocol clients print.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  error: ProblemCode;
  message: string;
}

// codegen:problem-codes:start
/**
 * Every code a problem may carry. A contract that declares
 * `components.schemas.ProblemCode` (a string enum) gets that closed set here
 * as a list and a union (the generator rewrites this block); any other
 * contract leaves codes open.
 */
export const problemCodes: readonly string[] | undefined = undefined;
export type ProblemCode = string;
// codegen:problem-codes:end

/** Whether `value` is a code of the contract's closed set (always, when the contract declares none). */
export function isProblemCode(value: unknown): value is ProblemCode {
  const known: readonly unknown[] | undefined = problemCodes;
  return typeof value === "string" && (known === undefined || known.includes(value));
}

/**
 * The one place a problem gets its protocol fields: `error` is its `code`,
 * `message` its `detail`, else its `title` (else the code). Every problem+json
 * the API writes goes through here, so `/v1`, execute and app-level problems agree.
 *
 * @example withProtocolFields({ code: "product_not_found", title: "Not found", detail: "No product p_1" })
 *   // → { ..., error: "product_not_found", message: "No product p_1" }
 */
export function withProtocolFields<T extends { code?: unknown; detail?: unknown; title?: unknown }>(
  problem: T,
): T & { error: ProblemCode; message: string } {
  const code: ProblemCode = isProblemCode(problem.code) ? problem.code : "internal_error";
  const message = nonEmpty(problem.detail) ?? nonEmpty(problem.title) ?? code;
  return { ...problem, error: code, message };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Throw from a context factory or a handler to answer with problem+json.
 * Anything else thrown becomes a 500 without leaking its message.
 */
export class HttpProblem extends Error {
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    headers: Record<string, string> = {},
    /** RFC 9457 extension members the contract declares (e.g. `remaining`); the standard members win a name clash. */
    readonly members: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ?? title);
    this.name = "HttpProblem";
    this.headers = headers;
  }

  toJSON(): ProblemDetails {
    const body: Omit<ProblemDetails, "error" | "message"> = {
      ...this.members,
      type: `/problems/${this.code}`,
      title: this.title,
      status: this.status,
      code: this.code,
    };
    if (this.detail !== undefined) body.detail = this.detail;
    if (this.errors !== undefined) body.errors = this.errors;
    return withProtocolFields(body);
  }
}

export const PROBLEM_JSON = "application/problem+json";
