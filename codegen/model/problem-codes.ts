import { SpecError } from "../errors.js";

/** Codes the generated router answers with itself: a contract that closes its codes must list them. */
export const ROUTER_PROBLEM_CODES = [
  "validation_failed",
  "malformed_body",
  "body_too_large",
  "unsupported_media_type",
  "method_not_allowed",
  "bad_request",
  "internal_error",
] as const;

const POINTER = "/components/schemas/ProblemCode";

/**
 * The contract's closed set of problem codes: the string `enum` of
 * `components.schemas.ProblemCode`, or undefined when the contract declares
 * none (codes stay open). Problems (not a string enum, a code that is not
 * snake_case, a router code missing) go to `errors`.
 */
export function readProblemCodes(
  schemas: Readonly<Record<string, unknown>> | undefined,
  errors: SpecError[],
): readonly string[] | undefined {
  const schema = schemas?.ProblemCode as { type?: unknown; enum?: unknown } | undefined;
  if (schema === undefined) return undefined;
  if (schema.type !== "string" || !Array.isArray(schema.enum) || schema.enum.length === 0) {
    errors.push(new SpecError("ProblemCode must be a string schema with a non-empty enum of problem codes", POINTER));
    return undefined;
  }
  const codes = schema.enum as unknown[];
  const bad = codes.filter((code) => typeof code !== "string" || !/^[a-z][a-z0-9_]*$/.test(code));
  if (bad.length > 0)
    errors.push(
      new SpecError(
        `ProblemCode values must be snake_case strings, got ${bad.map((code) => JSON.stringify(code)).join(", ")}`,
        `${POINTER}/enum`,
      ),
    );
  const missing = ROUTER_PROBLEM_CODES.filter((code) => !codes.includes(code));
  if (missing.length > 0)
    errors.push(
      new SpecError(`ProblemCode must list the codes the generated router answers with; missing: ${missing.join(", ")}`, `${POINTER}/enum`),
    );
  return codes.filter((code): code is string => typeof code === "string");
}
