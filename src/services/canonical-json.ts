import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, so two requests that differ
 * only in key order (or whitespace) are the same request.
 *
 * @example
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** SHA-256 (hex) of the operation and its canonical input: what "the same request" means. */
export function requestHash(operationId: string, input: unknown): string {
  return createHash("sha256")
    .update(canonicalJson([operationId, input]))
    .digest("hex");
}
