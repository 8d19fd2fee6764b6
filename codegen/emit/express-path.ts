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

interface SegmentNode {
  /** Paths ending at this node, in spec order. */
  readonly paths: string[];
  /** Child segments in order of first appearance. */
  readonly children: Map<string, SegmentNode>;
}

/**
 * Orders path templates for Express, which takes the first matching route:
 * wherever two paths share a prefix, a literal next segment comes before a
 * parameter (`/customers/search` before `/customers/{id}`, whatever lies
 * between them in the spec). Otherwise the spec's order is kept: the paths
 * go into a segment tree in spec order and are read back depth first, literal
 * children before parameter children.
 */
export function orderRoutePaths(paths: readonly string[]): string[] {
  const root: SegmentNode = { paths: [], children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path.split("/").slice(1)) {
      let child = node.children.get(segment);
      if (!child) {
        child = { paths: [], children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.paths.push(path);
  }
  const ordered: string[] = [];
  const visit = (node: SegmentNode): void => {
    ordered.push(...node.paths);
    const children = [...node.children.entries()];
    for (const [, child] of children.filter(([segment]) => !segment.includes("{"))) visit(child);
    for (const [, child] of children.filter(([segment]) => segment.includes("{"))) visit(child);
  };
  visit(root);
  return ordered;
}
