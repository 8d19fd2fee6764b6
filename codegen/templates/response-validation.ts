/*
 * Response validation against the contract: whether a status is declared
 * for an operation and whether a body matches the declared schema. The
 * router and the dispatcher call it only when asked to (`validateResponses`,
 * meant for tests); the compiled validators live in
 * `validators/responses.js`, which nothing imports unless a caller passes
 * its table. The generator copies this file verbatim into the output
 * directory as `response-validation.ts`.
 */

/** An Ajv standalone validator, as `validators/responses.js` exports them. */
export interface BodyValidator {
  (data: unknown): boolean;
  errors?: readonly { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null;
}

/** Compiled body validators by operationId, status key ("200", "4XX", "default") and media type. */
export type ResponseValidatorTable = {
  readonly [operationId: string]: { readonly [status: string]: { readonly [contentType: string]: BodyValidator } };
};

/** What the check needs to know of an operation (the router's `OperationMeta` has it). */
export interface DeclaredResponses {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  /** Media types by status key; an empty list means no body. */
  readonly responses: Readonly<Record<string, readonly { readonly contentType: string }[]>>;
}

/** A response that breaks the contract, and each way it does. */
export interface ResponseViolation {
  readonly operationId: string;
  /** Upper case, e.g. `GET`. */
  readonly method: string;
  /** The path as the contract writes it. */
  readonly path: string;
  readonly status: number;
  /** One line each: an undeclared status, a missing or unexpected body, a field the schema refuses. */
  readonly problems: readonly string[];
}

/** Turns response validation on: the compiled validators and who hears about violations. */
export interface ResponseValidation {
  readonly validators: ResponseValidatorTable;
  /** Called once per violating response, before a 500 replaces it (HTTP) or an error is thrown (dispatcher). */
  readonly onViolation: (violation: ResponseViolation) => void;
}

/** Thrown by the dispatcher instead of a result (or a problem) that breaks the contract. */
export class ResponseContractError extends Error {
  constructor(readonly violation: ResponseViolation) {
    super(
      `${violation.method} ${violation.path} (${violation.operationId}) answered ${violation.status} against the contract: ${violation.problems.join("; ")}`,
    );
    this.name = "ResponseContractError";
  }
}

/**
 * The key a status is declared under, with OpenAPI's precedence: the exact
 * code, then its range (`4XX`), then `default`. Undefined: not declared.
 */
export function declaredStatusKey(operation: DeclaredResponses, status: number): string | undefined {
  const code = String(status);
  return [code, `${code[0]}XX`, "default"].find((key) => key in operation.responses);
}

/**
 * Checks one response of `operation`: a declared status, a body exactly when
 * the status declares content, a media type it declares (`contentType`;
 * undefined means the router's choice, the first declared), and a body the
 * declared schema accepts. Undefined when the response keeps the contract.
 *
 * @example
 * findViolation(validation, operationMeta.getCart, 409, "application/problem+json", problem.toJSON());
 */
export function findViolation(
  validation: ResponseValidation,
  operation: DeclaredResponses,
  status: number,
  contentType: string | undefined,
  body: unknown,
): ResponseViolation | undefined {
  const problems = bodyProblems(validation, operation, status, contentType, body);
  if (problems.length === 0) return undefined;
  return { operationId: operation.operationId, method: operation.method.toUpperCase(), path: operation.path, status, problems };
}

function bodyProblems(
  validation: ResponseValidation,
  operation: DeclaredResponses,
  status: number,
  contentType: string | undefined,
  body: unknown,
): string[] {
  const key = declaredStatusKey(operation, status);
  if (key === undefined) return [`status ${status} is not declared (declared: ${Object.keys(operation.responses).join(", ")})`];
  const media = operation.responses[key]!;
  if (media.length === 0) return body === undefined ? [] : [`status ${key} declares no body, but one was sent`];
  const declaredTypes = media.map((item) => item.contentType).join(", ");
  if (body === undefined) return [`status ${key} declares a body (${declaredTypes}), but none was sent`];
  const sent = contentType ?? media[0]!.contentType;
  const declared = media.find((item) => essence(item.contentType) === essence(sent));
  if (!declared) return [`sent ${sent}; status ${key} declares ${declaredTypes}`];
  const validate = validation.validators[operation.operationId]?.[key]?.[declared.contentType];
  if (!validate || validate(body)) return [];
  return (validate.errors ?? []).map((error) => {
    const field = error.params.missingProperty ?? error.params.additionalProperty ?? error.params.unevaluatedProperty;
    const pointer = `/body${error.instancePath}${typeof field === "string" ? `/${field.replace(/~/g, "~0").replace(/\//g, "~1")}` : ""}`;
    const reason =
      error.keyword === "required"
        ? "is required"
        : error.keyword === "unevaluatedProperties" || error.keyword === "additionalProperties"
          ? "is not in the contract"
          : (error.message ?? "is invalid");
    return `${pointer} ${reason}`;
  });
}

function essence(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}
