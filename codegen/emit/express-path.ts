/**
 * Converts an OpenAPI path template to Express 5 (path-to-regexp 8) syntax:
 * `{cart_id}` → `:cart_id`, names that are not identifiers are quoted
 * (`:"item-id"`), and characters path-to-regexp treats specially are escaped.
 */
export function toExpressPath(path: string): string {
  return path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (part.startsWith("{") && part.endsWith("}")) {
        const name = part.slice(1, -1);
        return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `:${name}` : `:${JSON.stringify(name)}`;
      }
      return part.replace(/[{}()[\]+?!:*\\]/g, (char) => `\\${char}`);
    })
    .join("");
}

/**
 * Orders paths so a literal segment is tried before a parameter at the same
 * depth (`/customers/search` before `/customers/{id}`); otherwise spec order
 * is kept (the sort is stable).
 */
export function compareRouteSpecificity(a: string, b: string): number {
  const flagsA = a.split("/").map((segment) => (segment.includes("{") ? 1 : 0));
  const flagsB = b.split("/").map((segment) => (segment.includes("{") ? 1 : 0));
  for (let index = 0; index < Math.min(flagsA.length, flagsB.length); index++) {
    if (flagsA[index] !== flagsB[index]) return flagsA[index]! - flagsB[index]!;
  }
  return 0;
}
