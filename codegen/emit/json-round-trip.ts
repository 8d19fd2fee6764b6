/**
 * Whether `JSON.parse(JSON.stringify(value))` would give back an equal value:
 * plain objects and arrays (no holes) of strings, booleans, null and finite
 * numbers other than -0. Keys come back in the same order (integer-like keys
 * first in both) and every string exactly (lone surrogates are escaped and
 * restored), so a function of the copy gives what it gives of the original,
 * unless it cares about shared references (the copy has none).
 *
 * A bundled document nearly always is one; a YAML source can hold `.inf`,
 * `-0` or a tagged value, which JSON changes. Used to skip a JSON round trip
 * that would only rebuild the same document (see contract-emitter.ts).
 */
export function survivesJsonRoundTrip(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) if (!(index in value) || !survivesJsonRoundTrip(value[index])) return false;
        return Object.getPrototypeOf(value) === Array.prototype;
      }
      // A class instance (a Date, anything with toJSON) may turn into something else.
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      // Own enumerable string keys only, as JSON.stringify and YAML's dump both read.
      for (const key of Object.keys(value)) if (!survivesJsonRoundTrip((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}
