import type { SpecSchema } from "../model/operation-model.js";
import { IN_PLACE_APPLICATORS } from "./convert-schema.js";

/**
 * Finds component schemas referenced directly by an in-place applicator
 * (`allOf`, `oneOf`, `if`, `not`…) anywhere in the given schemas. Closing
 * such a component would reject the properties its siblings add, so it stays
 * open, and a closable position that references it closes next to the `$ref`.
 */
export function findOpenComponents(roots: Iterable<SpecSchema>): Set<string> {
  const open = new Set<string>();
  const visited = new Set<object>();
  const visit = (node: unknown): void => {
    if (typeof node !== "object" || node === null || visited.has(node)) return;
    visited.add(node);
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const record = node as Record<string, unknown>;
    for (const keyword of IN_PLACE_APPLICATORS) {
      const value = record[keyword];
      const members = Array.isArray(value) ? value : keyword === "dependentSchemas" && value ? Object.values(value) : [value];
      for (const member of members as ({ $ref?: unknown } | undefined)[]) {
        const name = componentName(member?.$ref);
        if (name) open.add(name);
      }
    }
    for (const value of Object.values(record)) visit(value);
  };
  for (const root of roots) visit(root);
  return open;
}

function componentName(ref: unknown): string | undefined {
  if (typeof ref !== "string" || !ref.startsWith("#/components/schemas/")) return undefined;
  const rest = ref.slice("#/components/schemas/".length);
  return rest.includes("/") ? undefined : decodeURIComponent(rest).replace(/~1/g, "/").replace(/~0/g, "~");
}
