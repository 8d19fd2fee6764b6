import type { ApiModel, SpecSchema } from "../model/operation-model.js";
import { type ConvertContext, convertSchema } from "./convert-schema.js";
import type { JsonSchema } from "./json-schema.js";
import { findOpenComponents } from "./open-components.js";

/** Inside `$defs`, components point at each other relative to the schema that holds them. */
const DEFS_PREFIX = "#/$defs/";

interface ConvertedComponent {
  readonly schema: JsonSchema;
  /** Components this one references directly. */
  readonly references: ReadonlySet<string>;
}

/**
 * Converts the request schemas of one API to JSON Schema 2020-12. Each
 * component is converted once (refs as `#/$defs/<name>`); a converted
 * operation schema comes with the closure of components it reaches, ready to
 * be placed in a `$defs` block. One instance per run: no module-level caches.
 */
export class SchemaConverter {
  private readonly openComponents: ReadonlySet<string>;
  private readonly components = new Map<string, ConvertedComponent>();
  /** Every `format` met so far; the validator registers the ones Ajv does not know. */
  readonly formats = new Set<string>();

  /**
   * @param options.refuseControlCharacters request schemas refuse control characters in text (the
   * contract's input rule); response schemas do not: the API answers with what it stored.
   */
  constructor(
    private readonly model: ApiModel,
    private readonly options: { readonly refuseControlCharacters: boolean } = { refuseControlCharacters: true },
  ) {
    this.openComponents = findOpenComponents(Object.values(model.componentSchemas));
  }

  /** Converts an operation-level schema; its component refs start with `refPrefix`. */
  convert(schema: SpecSchema, refPrefix = DEFS_PREFIX): { schema: JsonSchema; components: Set<string> } {
    const direct = new Set<string>();
    const converted = convertSchema(schema, this.context(refPrefix, direct));
    return { schema: converted, components: this.closure(direct) };
  }

  /** The converted component `name`. */
  component(name: string): JsonSchema {
    return this.load(name).schema;
  }

  /** `$defs` for a set of component names, in the spec's component order (deterministic output). */
  defs(names: ReadonlySet<string>): Record<string, JsonSchema> {
    const defs: Record<string, JsonSchema> = {};
    for (const name of Object.keys(this.model.componentSchemas)) {
      if (names.has(name)) defs[name] = this.component(name);
    }
    return defs;
  }

  /**
   * Components that already converted schemas reach through `#/$defs/` refs,
   * with everything those reach: the `$defs` of a schema assembled from parts
   * of converted ones (a capability's flat arguments).
   */
  reachedFrom(schemas: readonly JsonSchema[]): Set<string> {
    const direct = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
          if (key === "$ref" && typeof item === "string") {
            const target = defsRefTarget(item);
            if (target) direct.add(target.name);
          } else visit(item);
        }
      }
    };
    schemas.forEach(visit);
    return this.closure(direct);
  }

  private closure(start: ReadonlySet<string>): Set<string> {
    const reached = new Set<string>();
    const pending = [...start];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (reached.has(name) || !(name in this.model.componentSchemas)) continue;
      reached.add(name);
      pending.push(...this.load(name).references);
    }
    return reached;
  }

  private load(name: string): ConvertedComponent {
    let entry = this.components.get(name);
    if (!entry) {
      const references = new Set<string>();
      const source: SpecSchema = this.model.componentSchemas[name] ?? ({} as SpecSchema);
      // An open component (referenced by allOf/oneOf/…) is not closed in its own definition.
      const closable = !this.openComponents.has(name);
      entry = { schema: convertSchema(source, this.context(DEFS_PREFIX, references), closable), references };
      this.components.set(name, entry);
    }
    return entry;
  }

  private context(refPrefix: string, references: Set<string>): ConvertContext {
    return {
      openapiVersion: this.model.openapiVersion,
      refPrefix,
      openComponents: this.openComponents,
      onComponentRef: (name) => references.add(name),
      onFormat: (format) => this.formats.add(format),
      // Request schemas: text refuses control characters unless the contract opts out (see the constructor).
      refuseControlCharacters: this.options.refuseControlCharacters,
    };
  }
}

/** The component a `#/$defs/<name>[/…]` ref points into; `whole` when it names the component itself. */
export function defsRefTarget(ref: string): { readonly name: string; readonly whole: boolean } | undefined {
  if (!ref.startsWith(DEFS_PREFIX)) return undefined;
  const [first, ...rest] = ref.slice(DEFS_PREFIX.length).split("/");
  return { name: decodeURIComponent(first!).replace(/~1/g, "/").replace(/~0/g, "~"), whole: rest.length === 0 };
}
