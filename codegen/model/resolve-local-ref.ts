import { SpecError } from "../errors.js";

/**
 * Follows a local `$ref` ("#/components/...") inside the bundled document.
 * The bundler has already pulled external files in, so only same-document
 * pointers remain; chains of references are followed, cycles reported.
 */
export function resolveLocal<T>(document: unknown, value: T | { $ref: string }, at: string): T {
  let current: unknown = value;
  const seen = new Set<string>();
  while (isRef(current)) {
    const ref = current.$ref;
    if (seen.has(ref)) throw new SpecError(`circular $ref "${ref}"`, at);
    seen.add(ref);
    current = lookupPointer(document, ref, at);
  }
  return current as T;
}

export function isRef(value: unknown): value is { $ref: string } {
  return typeof value === "object" && value !== null && typeof (value as { $ref?: unknown }).$ref === "string";
}

function lookupPointer(document: unknown, ref: string, at: string): unknown {
  if (!ref.startsWith("#")) throw new SpecError(`unresolved external $ref "${ref}"`, at);
  let node = document;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || !(key in node)) {
      throw new SpecError(`dangling $ref "${ref}"`, at);
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
