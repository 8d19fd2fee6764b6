import type { SpecSchema } from "../model/operation-model.js";

/**
 * Finds component schemas used directly as `allOf` members anywhere in the
 * given schemas. Closing such a component would reject the properties its
 * siblings add, so it stays open and the composing schema closes instead.
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
    if (Array.isArray(record.allOf)) {
      for (const member of record.allOf as { $ref?: unknown }[]) {
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
