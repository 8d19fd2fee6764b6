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

/** What `x-enumDescriptions` says about one problem code. */
export interface ProblemCodeDoc {
  /** The HTTP statuses a problem with this code can have, ascending. */
  readonly statuses: readonly number[];
  /** What the code means (Markdown inline text). */
  readonly meaning: string;
  /** What a client should do about it (Markdown inline text). */
  readonly action: string;
}

const DOC_FORM = /^(\d{3}(?:, \d{3})*): (.+?) What to do: (.+)$/s;

/**
 * `ProblemCode`'s `x-enumDescriptions` (the Redoc extension that shows each
 * enum value's description in the reference), read as
 * `<statuses>: <meaning> What to do: <action>`, one entry for every code and
 * none for anything else. Undefined when the contract has no such map; the
 * problem pages then show titles only.
 */
export function readProblemCodeDocs(
  schemas: Readonly<Record<string, unknown>> | undefined,
  codes: readonly string[] | undefined,
  errors: SpecError[],
): Readonly<Record<string, ProblemCodeDoc>> | undefined {
  const descriptions = (schemas?.ProblemCode as { "x-enumDescriptions"?: unknown } | undefined)?.["x-enumDescriptions"];
  if (descriptions === undefined || codes === undefined) return undefined;
  const pointer = `${POINTER}/x-enumDescriptions`;
  if (typeof descriptions !== "object" || descriptions === null || Array.isArray(descriptions)) {
    errors.push(new SpecError("x-enumDescriptions must map each problem code to its description", pointer));
    return undefined;
  }
  const docs: Record<string, ProblemCodeDoc> = {};
  for (const [code, text] of Object.entries(descriptions)) {
    if (!codes.includes(code)) {
      errors.push(new SpecError(`x-enumDescriptions describes "${code}", which is not in the enum`, `${pointer}/${code}`));
      continue;
    }
    const parts = typeof text === "string" ? DOC_FORM.exec(text.trim()) : null;
    if (!parts) {
      errors.push(
        new SpecError(`the description of "${code}" must read "<statuses>: <meaning> What to do: <action>"`, `${pointer}/${code}`),
      );
      continue;
    }
    const statuses = parts[1]!.split(", ").map(Number);
    const bad = statuses.filter((status) => status < 400 || status > 599);
    if (bad.length > 0)
      errors.push(new SpecError(`the statuses of "${code}" must be 4xx or 5xx, got ${bad.join(", ")}`, `${pointer}/${code}`));
    docs[code] = { statuses: [...statuses].sort((a, b) => a - b), meaning: parts[2]!.trim(), action: parts[3]!.trim() };
  }
  const missing = codes.filter((code) => !Object.hasOwn(descriptions, code));
  if (missing.length > 0)
    errors.push(new SpecError(`x-enumDescriptions must describe every problem code; missing: ${missing.join(", ")}`, pointer));
  return docs;
}
