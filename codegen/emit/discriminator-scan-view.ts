import { resolveRef } from "./openapi-typescript-core.js";

type Path = readonly (string | number)[];

/**
 * What openapi-typescript's `scanDiscriminators` needs to see of a document:
 * it walks all of it (twice, copying the path array at every node: GitHub
 * ~0.3 s) but acts only at schemas with a `discriminator` or an `allOf`
 * holding a `$ref`, and patches the schemas they point to. The view is the
 * document with only the way to those schemas enumerable: each object on the
 * way is a copy whose other keys are non-enumerable (its walk uses
 * `Object.keys`; a `$ref` resolved through the view still reads them), and
 * the schemas themselves (`kept`) are the document's own objects, so the
 * scan's patches land in the document as before, at the same paths, in the
 * same order.
 *
 * Returns undefined, and the scan gets the document itself, when a noted
 * `$ref` does not resolve through the view to the document's own object
 * (a pointer this reading of them misses).
 */
export function discriminatorScanView(document: object, kept: readonly Path[], refs: readonly string[]): object | undefined {
  const keptPaths = [...kept];
  for (const ref of refs) {
    const path = refPath(document, ref);
    if (path) keptPaths.push(path);
  }
  const view = viewOf(document, keptPaths, 0);
  for (const ref of refs) {
    if (resolveRef(view, ref, { silent: true }) !== resolveRef(document, ref, { silent: true })) return undefined;
  }
  return view as object;
}

/** The copy of `node` that shows only the keys leading to `paths` (all at this depth or deeper); a kept node as it is. */
function viewOf(node: unknown, paths: readonly Path[], depth: number): unknown {
  if (paths.some((path) => path.length === depth) || typeof node !== "object" || node === null) return node;
  const byKey = new Map<string, Path[]>();
  for (const path of paths) {
    const key = String(path[depth]);
    byKey.set(key, [...(byKey.get(key) ?? []), path]);
  }
  const source = node as Record<string, unknown>;
  // An array cannot hide an item: the items off the way stay whole (the scan walks them, as it did).
  if (Array.isArray(node))
    return node.map((item, index) => (byKey.has(String(index)) ? viewOf(item, byKey.get(String(index))!, depth + 1) : item));
  const view: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const onTheWay = byKey.get(key);
    Object.defineProperty(view, key, {
      value: onTheWay ? viewOf(source[key], onTheWay, depth + 1) : source[key],
      enumerable: onTheWay !== undefined,
      writable: true,
      configurable: true,
    });
  }
  return view as object;
}

/** The path of the object a local `$ref` ends at, following `$ref`s there as openapi-typescript's resolveRef does. */
function refPath(document: object, ref: string): Path | undefined {
  const seen = new Set<string>();
  for (let current = ref; !seen.has(current); ) {
    seen.add(current);
    const hash = current.indexOf("#/");
    if (hash < 0) return undefined;
    const path = current
      .slice(hash + 2)
      .split("/")
      .map(unescapeToken)
      .filter((token) => token !== "");
    let node: unknown = document;
    for (const key of path) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    const next = typeof node === "object" && node !== null ? (node as { $ref?: unknown }).$ref : undefined;
    if (typeof next !== "string" || next === "") return path;
    current = next;
  }
  return undefined;
}

function unescapeToken(token: string): string {
  const unescaped = token.replaceAll("~1", "/").replaceAll("~0", "~");
  try {
    return decodeURIComponent(unescaped);
  } catch {
    return unescaped;
  }
}
