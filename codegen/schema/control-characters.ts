import type { JsonValue } from "./json-schema.js";

/**
 * The contract's text hygiene rule: every `type: string` schema of a request
 * refuses control characters (U+0000–U+001F and U+007F), since PostgreSQL
 * cannot store U+0000 in `text` and the others are never meant in a name, a
 * key or a search. The OpenAPI extension below loosens it per schema:
 *
 * - `x-allow-control-characters: whitespace` — multi-line free text: TAB,
 *   LF and CR are allowed, every other control character is still refused;
 * - `x-allow-control-characters: all` — no rule (the service takes care).
 *
 * Any other value keeps the full rule (redocly.yaml refuses other values).
 */
export const CONTROL_CHARACTERS_EXTENSION = "x-allow-control-characters";

/** Matches strings without U+0000–U+001F and U+007F. */
export const NO_CONTROL_CHARACTERS = "^[^\\x00-\\x1F\\x7F]*$";
/** Matches strings without U+0000–U+001F and U+007F, save TAB, LF and CR. */
export const NO_CONTROL_CHARACTERS_BUT_WHITESPACE = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*$";

/**
 * Formats whose ajv-formats ("full" mode) check already refuses every
 * control character anywhere in the string (pinned by a test); a `pattern`
 * beside them would only report the same fault twice.
 */
export const CONTROL_FREE_FORMATS: ReadonlySet<string> = new Set([
  "date",
  "time",
  "date-time",
  "duration",
  "uuid",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uri-reference",
]);

/**
 * The keywords the rule adds to a converted string schema (`out`), or none:
 * not a string schema, fully opted out, or already unable to hold a control
 * character (`enum`/`const`, a control-free format, a pattern that
 * provably refuses them). Next to an explicit pattern the generator cannot
 * prove, the rule goes under `allOf` (a schema has one `pattern`).
 *
 * @example
 * textRule({ type: "string", maxLength: 200 }, { type: "string", maxLength: 200 })
 * // → { pattern: "^[^\\x00-\\x1F\\x7F]*$" }
 */
export function textRule(
  source: Readonly<Record<string, unknown>>,
  out: Readonly<Record<string, JsonValue>>,
): Record<string, JsonValue> | undefined {
  if (!isStringSchema(source)) return undefined;
  const allowance = source[CONTROL_CHARACTERS_EXTENSION];
  if (allowance === "all") return undefined;
  if ("enum" in out || "const" in out) return undefined;
  if (typeof out.format === "string" && CONTROL_FREE_FORMATS.has(out.format)) return undefined;
  const pattern = allowance === "whitespace" ? NO_CONTROL_CHARACTERS_BUT_WHITESPACE : NO_CONTROL_CHARACTERS;
  if (typeof out.pattern !== "string") return { pattern };
  if (refusesControlCharacters(out.pattern)) return undefined;
  return { allOf: [...(Array.isArray(out.allOf) ? out.allOf : []), { pattern }] };
}

function isStringSchema(source: Readonly<Record<string, unknown>>): boolean {
  return source.type === "string" || (Array.isArray(source.type) && source.type.includes("string"));
}

/** Stands for `\d` or `\w` in a parsed escape: printable ASCII, but no single character. */
const PRINTABLE_CLASS = Symbol("printable class");

/**
 * True only when `pattern` provably matches no string holding a control
 * character: anchored by `^` and `$` with no top-level `|`, and every atom a
 * printable literal, `\d`, `\w`, an escaped punctuation mark, a `\xHH` or
 * `\uHHHH` of a printable character, or a non-negated class of those, with
 * groups and quantifiers in between. Anything else (`.`, `\s`, `[^…]`,
 * lookarounds…) counts as "not proven", never as "unsafe".
 *
 * @example
 * refusesControlCharacters("^[\\x21-\\x7E]{1,255}$") // true
 * refusesControlCharacters("^.{1,3}$")              // false
 */
export function refusesControlCharacters(pattern: string): boolean {
  if (!pattern.startsWith("^") || !pattern.endsWith("$") || pattern.endsWith("\\$")) return false;
  const body = [...pattern.slice(1, -1)];
  let depth = 0;
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index]!;
    if (char === "\\") {
      const escaped = readEscape(body, index + 1);
      if (!escaped || (typeof escaped.value === "string" && isControl(escaped.value))) return false;
      index = escaped.end;
    } else if (char === "[") {
      const end = classEnd(body, index);
      if (end < 0) return false;
      index = end;
    } else if (char === "(") {
      // Plain and non-capturing groups only: lookarounds and named groups are not analysed.
      if (body[index + 1] === "?") {
        if (body[index + 2] !== ":") return false;
        index += 2;
      }
      depth += 1;
    } else if (char === ")") {
      if (--depth < 0) return false;
    } else if (char === "{") {
      const end = body.indexOf("}", index);
      if (end < 0 || !/^\d+(,\d*)?$/.test(body.slice(index + 1, end).join(""))) return false;
      index = end;
    } else if (char === "|") {
      if (depth === 0) return false;
    } else if (char === "." || char === "^" || char === "$" || isControl(char)) {
      return false;
    }
  }
  return depth === 0;
}

/**
 * The escape whose letter is at `body[index]` (just after the `\`): the
 * character it stands for (or PRINTABLE_CLASS) and the index of its last
 * character; undefined for escapes that may match a control character or
 * are not analysed (`\s`, `\W`, `\b`, `\cX`, `\0`, `\p{…}`…).
 */
function readEscape(body: readonly string[], index: number): { value: string | typeof PRINTABLE_CLASS; end: number } | undefined {
  const char = body[index] ?? "";
  if (char === "d" || char === "w") return { value: PRINTABLE_CLASS, end: index };
  if (/^[!-/:-@[-`{-~]$/.test(char)) return { value: char, end: index };
  const length = char === "x" ? 2 : char === "u" ? 4 : 0;
  const digits = body.slice(index + 1, index + 1 + length).join("");
  if (length === 0 || !new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(digits)) return undefined;
  return { value: String.fromCodePoint(Number.parseInt(digits, 16)), end: index + length };
}

/** Index of the `]` closing the class opened at `start`, or -1 when the class may hold a control character. */
function classEnd(body: readonly string[], start: number): number {
  if (body[start + 1] === "^") return -1;
  // The member before a `-`: a range runs from it to the next member.
  let previous: string | undefined;
  for (let index = start + 1; index < body.length; index += 1) {
    let member: string | typeof PRINTABLE_CLASS = body[index]!;
    if (member === "]") return index;
    if (member === "\\") {
      const escaped = readEscape(body, index + 1);
      if (!escaped) return -1;
      member = escaped.value;
      index = escaped.end;
    } else if (member === "-" && previous !== undefined && body[index + 1] !== "]") {
      const last = body[index + 1] === "\\" ? readEscape(body, index + 2) : { value: body[index + 1] ?? "", end: index + 1 };
      if (!last || typeof last.value !== "string" || rangeHoldsControl(previous, last.value)) return -1;
      index = last.end;
      previous = undefined;
      continue;
    }
    if (typeof member === "string" && isControl(member)) return -1;
    previous = typeof member === "string" ? member : undefined;
  }
  return -1;
}

function rangeHoldsControl(first: string, last: string): boolean {
  const low = first.codePointAt(0)!;
  const high = last.codePointAt(0)!;
  return low <= 0x1f || (low <= 0x7f && high >= 0x7f);
}

function isControl(char: string): boolean {
  const code = char.codePointAt(0)!;
  return code <= 0x1f || code === 0x7f;
}
