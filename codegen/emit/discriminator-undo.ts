import { createRef, resolveRef } from "./openapi-typescript-core.js";

/**
 * openapi-typescript's `scanDiscriminators` writes into the document it is
 * given (lib/utils `patchDiscriminatorEnum`): on each schema a discriminator
 * maps to, it pushes an item onto `allOf`, or sets
 * `properties[propertyName]` (creating `properties`) and adds the name to
 * `required` (creating it). The published contract must stay the bundled
 * source, so this notes, before the scan, every schema it could patch (a
 * superset: each `$ref` and mapping target of a schema with a
 * `discriminator`, and each schema with an `allOf` holding a `$ref`, both
 * resolved as openapi-typescript resolves them) and returns a function that
 * puts them back as they were.
 *
 * It replaces a `structuredClone` of the whole document: GitHub's ~0.16 s of
 * copying and a second copy of its object graph alive until the types were
 * printed, for a few hundred small snapshots. The types are emitted
 * synchronously between scan and restore, so no other emitter ever sees the
 * patched schemas, and objects reachable by two paths (YAML aliases, bundled
 * components) behave as in the clone, where they stayed shared.
 *
 * `scanned` says whether the document has a discriminator the scan would
 * act on (an object with a `propertyName`): without one it finds nothing and
 * patches nothing, so its own two walks of the document (Stripe: ~0.2 s) can
 * be skipped.
 *
 * @example
 * const { restore } = noteDiscriminatorTargets(document);
 * try { print(transformSchema(document, context)); } finally { restore(); }
 */
export function noteDiscriminatorTargets(document: object): DiscriminatorTargets {
  const snapshots = new Map<Record<string, unknown>, SchemaSnapshot>();
  let scanned = false;
  const acting: (string | number)[][] = [];
  const refs: string[] = [];
  const note = (ref: unknown) => {
    if (typeof ref !== "string") return;
    refs.push(ref);
    const target = resolveRef<unknown>(document, ref, { silent: true });
    if (isObject(target) && !snapshots.has(target)) snapshots.set(target, snapshot(target));
  };
  walkObjects(document, (node, path) => {
    const discriminator = node.discriminator;
    const allOf = node.allOf;
    if (isObject(discriminator)) {
      acting.push([...path]);
      if (discriminator.propertyName) scanned = true;
      if (Array.isArray(node.oneOf)) for (const item of node.oneOf) if (isObject(item)) note(item.$ref);
      if (isObject(discriminator.mapping)) for (const target of Object.values(discriminator.mapping)) note(target);
    }
    if (Array.isArray(allOf) && allOf.some((item) => isObject(item) && ("$ref" in item || isObject(item.discriminator)))) {
      if (!isObject(discriminator)) acting.push([...path]);
      if (allOf.some((item) => isObject(item) && "$ref" in item)) note(createRef(path));
    }
  });
  return {
    restore: () => {
      for (const [schema, before] of snapshots) restore(schema, before);
    },
    scanned,
    acting,
    refs,
  };
}

export interface DiscriminatorTargets {
  /** Puts back every schema the scan may have patched. */
  readonly restore: () => void;
  /** Whether the document has a discriminator the scan would act on. */
  readonly scanned: boolean;
  /** Paths of the schemas the scan acts at: a `discriminator`, or an `allOf` with a `$ref` or a `discriminator`. */
  readonly acting: readonly (readonly (string | number)[])[];
  /** The `$ref`s it may patch through (oneOf items, mappings, those `allOf` schemas' own paths). */
  readonly refs: readonly string[];
}

interface SchemaSnapshot {
  readonly allOfLength: number | undefined;
  readonly properties: { readonly present: boolean; readonly value: unknown; readonly entries: [string, unknown][] | undefined };
  readonly required: { readonly present: boolean; readonly value: unknown; readonly length: number | undefined };
}

function snapshot(schema: Record<string, unknown>): SchemaSnapshot {
  const { allOf, properties, required } = schema;
  return {
    allOfLength: Array.isArray(allOf) ? allOf.length : undefined,
    properties: {
      present: "properties" in schema,
      value: properties,
      entries: isObject(properties) ? Object.entries(properties) : undefined,
    },
    required: { present: "required" in schema, value: required, length: Array.isArray(required) ? required.length : undefined },
  };
}

function restore(schema: Record<string, unknown>, before: SchemaSnapshot): void {
  if (before.allOfLength !== undefined) (schema.allOf as unknown[]).length = before.allOfLength;
  // A key the scan added went last: deleting it leaves the others in their order.
  if (!before.properties.present) delete schema.properties;
  else {
    schema.properties = before.properties.value;
    if (before.properties.entries) {
      const properties = before.properties.value as Record<string, unknown>;
      const original = new Map(before.properties.entries);
      for (const key of Object.keys(properties)) if (!original.has(key)) delete properties[key];
      // A replaced property keeps its place: assigning an existing key does not move it.
      for (const [key, value] of original) if (properties[key] !== value) properties[key] = value;
    }
  }
  if (!before.required.present) delete schema.required;
  else {
    schema.required = before.required.value;
    if (before.required.length !== undefined) (before.required.value as unknown[]).length = before.required.length;
  }
}

/** Every object under `root` (not arrays themselves) with its path, in openapi-typescript's `walk` order. */
function walkObjects(root: unknown, visit: (node: Record<string, unknown>, path: (string | number)[]) => void): void {
  const path: (string | number)[] = [];
  const step = (value: unknown) => {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        step(value[index]);
        path.pop();
      }
    } else if (isObject(value)) {
      visit(value, path);
      for (const key of Object.keys(value)) {
        path.push(key);
        step(value[key]);
        path.pop();
      }
    }
  };
  step(root);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
