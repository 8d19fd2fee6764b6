/*
 * fast-check arbitraries built from the contract's JSON Schemas (the
 * capability input schemas in generated/capabilities.ts). A call is either
 * conforming (so it reaches the services) or conforming but for exactly one
 * hostile value somewhere in it — a wrong type, an out-of-range or
 * overflowing number, control characters, an oversized string, a missing
 * required field, an unknown one — so the hostile part is what the server
 * must cope with. Test code: it covers the keywords our contract uses.
 */
import fc from "fast-check";

type Schema = { readonly [keyword: string]: unknown };

/** Values no schema of ours allows, in every JSON type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, "", "\u0000", "a\u0000b", "tab\tnew\nline", "\u001b[31m", "\u007f", "\ud800", "x".repeat(10_000), "🛒".repeat(300)),
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -0.5, 0.1, -1),
  fc.constantFrom(true, [], {}, [null], { nested: { deep: "\u0000" } }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

export interface ArbitraryContext {
  /** The document `$ref`s point into (`#/$defs/...`). */
  readonly root: Schema;
  /** Values for properties that name existing records (`product_id`…), so calls reach past the 404. */
  readonly knownValues?: Readonly<Record<string, readonly unknown[]>>;
}

/** Conforming calls and calls with one hostile value, half and half. */
export function callArbitrary(schema: Schema, knownValues: ArbitraryContext["knownValues"] = {}): fc.Arbitrary<unknown> {
  const context = { root: schema, knownValues };
  return fc.oneof({ weight: 1, arbitrary: conforming(schema, context) }, { weight: 1, arbitrary: withOneHostileValue(schema, context) });
}

function resolve(schema: Schema, context: ArbitraryContext): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let target: unknown = context.root;
  for (const part of ref.slice(2).split("/")) target = (target as Record<string, unknown> | undefined)?.[part];
  return { ...(target as Schema), ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$ref")) };
}

function typeOf(schema: Schema): unknown {
  return Array.isArray(schema.type) ? schema.type[0] : schema.type;
}

/** A value the schema allows (known record ids preferred for properties that name one). */
export function conforming(input: Schema, context: ArbitraryContext, name?: string): fc.Arbitrary<unknown> {
  const schema = resolve(input, context);
  const known = name ? context.knownValues?.[name] : undefined;
  const own = conformingOwn(schema, context);
  return known && known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: own }) : own;
}

function conformingOwn(schema: Schema, context: ArbitraryContext): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) return fc.oneof(...options.map((option) => conforming(option as Schema, context)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return conformingOwn(mergeAllOf(schema, context), context);
  switch (typeOf(schema)) {
    case "string":
      return stringFor(schema);
    case "integer":
      return fc.integer({
        min: Math.max(numberOr(schema.minimum, -(2 ** 31)), -(2 ** 31)),
        max: Math.min(numberOr(schema.maximum, 2 ** 31 - 1), 2 ** 31 - 1),
      });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: numberOr(schema.minimum, -1e9), max: numberOr(schema.maximum, 1e9) });
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(conforming((schema.items as Schema | undefined) ?? {}, context), {
        maxLength: Math.min(numberOr(schema.maxItems, 4), 4),
      });
    case "null":
      return fc.constant(null);
    default:
      return objectOf(schema, context, () => undefined);
  }
}

/** Conforming but for one hostile value: at this level, or inside one property or item. */
function withOneHostileValue(input: Schema, context: ArbitraryContext): fc.Arbitrary<unknown> {
  const schema = resolve(input, context);
  const properties = Object.keys((schema.properties ?? {}) as object);
  if (typeOf(schema) === "object" || properties.length > 0) {
    if (properties.length === 0) return fc.oneof(hostileValue, fc.constant({ unexpected_field: "x" }));
    return fc.constantFrom(...properties, "(missing required)", "(unknown field)").chain((target) => {
      if (target === "(unknown field)")
        return objectOf(schema, context, () => undefined).map((value) => ({ ...value, unexpected_field: "\u0000" }));
      if (target === "(missing required)") {
        const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
        return objectOf(schema, context, () => undefined).map((value) =>
          Object.fromEntries(Object.entries(value).filter(([key]) => key !== required[0])),
        );
      }
      const inner = (schema.properties as Record<string, Schema>)[target]!;
      return objectOf(schema, context, (key) => (key === target ? fc.oneof(hostileValue, withOneHostileValue(inner, context)) : undefined));
    });
  }
  if (typeOf(schema) === "array")
    return fc.oneof(
      hostileValue,
      fc.array(withOneHostileValue((schema.items as Schema | undefined) ?? {}, context), { minLength: 1, maxLength: 2 }),
    );
  if (typeOf(schema) === "string") return fc.oneof({ weight: 3, arbitrary: hostileString(schema) }, { weight: 1, arbitrary: hostileValue });
  if (typeOf(schema) === "integer" || typeOf(schema) === "number")
    return fc.oneof({ weight: 3, arbitrary: hostileNumber(schema) }, { weight: 1, arbitrary: hostileValue });
  return hostileValue;
}

/** A string of an allowed length carrying what databases and logs choke on: NUL, other C0, DEL, lone surrogates. */
function hostileString(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Math.max(3, Math.min(numberOr(schema.maxLength, 60), 60));
  const bad = fc.constantFrom("\u0000", "\u0001", "\u001b", "\u007f", "\ud800", "\u0085", "\u2028");
  return fc.tuple(fc.string({ maxLength: maxLength - 2 }), bad).map(([text, char]) => `a${char}${text}`.slice(0, maxLength));
}

/** Numbers just past the schema's bounds and past the database's integer columns. */
function hostileNumber(schema: Schema): fc.Arbitrary<number> {
  const max = numberOr(schema.maximum, 2 ** 31 - 1);
  const min = numberOr(schema.minimum, -(2 ** 31));
  return fc.constantFrom(max + 1, min - 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1.5);
}

/** An object with every required property (and some optional ones); `override` may supply one property's arbitrary. */
function objectOf(
  schema: Schema,
  context: ArbitraryContext,
  override: (key: string) => fc.Arbitrary<unknown> | undefined,
): fc.Arbitrary<Record<string, unknown>> {
  const merged = Array.isArray(schema.allOf) ? mergeAllOf(schema, context) : schema;
  const properties = (merged.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(merged.required) ? (merged.required as string[]) : []);
  const forced = Object.keys(properties).filter((key) => override(key) !== undefined);
  return fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, override(key) ?? conforming(value, context, key)])),
    { requiredKeys: [...new Set([...required, ...forced])].filter((key) => key in properties) },
  );
}

function mergeAllOf(schema: Schema, context: ArbitraryContext): Schema {
  const merged: Schema = {};
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const part of (schema.allOf as Schema[]).map((each) => resolve(each, context))) {
    Object.assign(merged, part);
    Object.assign(properties, part.properties);
    required.push(...((part.required as string[]) ?? []));
  }
  return { ...merged, properties, required };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === "uuid") return fc.uuid();
  if (schema.format === "date-time")
    return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4102444800000) }).map((date) => date.toISOString());
  const minLength = numberOr(schema.minLength, 0);
  const maxLength = numberOr(schema.maxLength, Infinity);
  if (typeof schema.pattern === "string") {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((value) => value.length >= minLength && value.length <= maxLength);
  }
  const bounded = { minLength, maxLength: Math.max(minLength, Math.min(maxLength, 60)) };
  return fc.oneof(
    { weight: 4, arbitrary: fc.string(bounded) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", ...bounded }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("SKU-1", "a b", "'; drop table products; --", "%00", "../../etc/passwd")
        .filter((value) => value.length >= minLength && value.length <= maxLength),
    },
  );
}
