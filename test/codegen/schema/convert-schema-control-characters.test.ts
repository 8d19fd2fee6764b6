/*
 * The text hygiene rule: request string schemas refuse control characters
 * (U+0000–U+001F, U+007F) unless `x-allow-control-characters` loosens it.
 * Given → want per schema kind, then what the emitted patterns accept, then
 * the two shortcuts (control-free formats, provably safe explicit patterns).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { SpecSchema } from "../../../codegen/model/operation-model.js";
import {
  CONTROL_FREE_FORMATS,
  NO_CONTROL_CHARACTERS_BUT_WHITESPACE as FREE_TEXT,
  refusesControlCharacters,
  NO_CONTROL_CHARACTERS as STRICT,
} from "../../../codegen/schema/control-characters.js";
import { convertSchema } from "../../../codegen/schema/convert-schema.js";
import { compile2020 } from "../support/ajv.js";
import { testContext } from "./convert-context.js";

const addFormats = addFormatsModule.default;
const on = () => testContext({ refuseControlCharacters: true });

describe("convertSchema: control characters in request strings", () => {
  it.each<[string, object, object]>([
    ["a plain string", { type: "string", maxLength: 9 }, { type: "string", maxLength: 9, pattern: STRICT }],
    ["a 3.1 nullable string", { type: ["string", "null"] }, { type: ["string", "null"], pattern: STRICT }],
    [
      "free text (whitespace allowed)",
      { type: "string", "x-allow-control-characters": "whitespace" },
      { type: "string", pattern: FREE_TEXT },
    ],
    ["an opted-out string", { type: "string", "x-allow-control-characters": "all" }, { type: "string" }],
    ["an enum", { type: "string", enum: ["a", "b"] }, { type: "string", enum: ["a", "b"] }],
    ["a const", { type: "string", const: "a" }, { type: "string", const: "a" }],
    ["a control-free format", { type: "string", format: "uuid" }, { type: "string", format: "uuid" }],
    ["a format that lets controls through", { type: "string", format: "byte" }, { type: "string", format: "byte", pattern: STRICT }],
    ["an unknown format", { type: "string", format: "unix-time" }, { type: "string", format: "unix-time", pattern: STRICT }],
    ["a pattern that refuses controls", { type: "string", pattern: "^[A-Z]{3}$" }, { type: "string", pattern: "^[A-Z]{3}$" }],
    [
      "a pattern the generator cannot prove",
      { type: "string", pattern: "^.+$" },
      { type: "string", pattern: "^.+$", allOf: [{ pattern: STRICT }] },
    ],
    [
      "an unproven pattern beside an allOf",
      { type: "string", pattern: "x", allOf: [{ minLength: 1 }] },
      { type: "string", pattern: "x", allOf: [{ minLength: 1 }, { pattern: STRICT }] },
    ],
    [
      "free text with an unproven pattern",
      { type: "string", pattern: "\\S", "x-allow-control-characters": "whitespace" },
      { type: "string", pattern: "\\S", allOf: [{ pattern: FREE_TEXT }] },
    ],
    ["an integer", { type: "integer", minimum: 0, maximum: 9 }, { type: "integer", minimum: 0, maximum: 9 }],
    ["an untyped schema", { maxLength: 3 }, { maxLength: 3 }],
    [
      "strings in properties and items",
      { type: "object", properties: { tags: { type: "array", items: { type: "string" } } }, additionalProperties: false },
      { type: "object", properties: { tags: { type: "array", items: { type: "string", pattern: STRICT } } }, additionalProperties: false },
    ],
    [
      "strings inside oneOf",
      { oneOf: [{ type: "string" }, { type: "integer", minimum: 0, maximum: 1 }] },
      // (An untyped holder of in-place applicators is closed to unknown properties, as everywhere.)
      {
        oneOf: [
          { type: "string", pattern: STRICT },
          { type: "integer", minimum: 0, maximum: 1 },
        ],
        unevaluatedProperties: false,
      },
    ],
    [
      "a string-or-object with an unproven pattern stays open to properties",
      { type: ["string", "object"], pattern: "^.*$" },
      { type: ["string", "object"], pattern: "^.*$", allOf: [{ pattern: STRICT }] },
    ],
  ])("%s", (_, given, want) => {
    expect(convertSchema(given as SpecSchema, on())).toEqual(want);
  });

  it("3.0: a nullable string gets the rule and null", () => {
    expect(
      convertSchema(
        { type: "string", nullable: true } as SpecSchema,
        testContext({ openapiVersion: "3.0", refuseControlCharacters: true }),
      ),
    ).toEqual({
      type: ["string", "null"],
      pattern: STRICT,
    });
  });

  it("does nothing when the context turns it off (e.g. for response schemas)", () => {
    expect(convertSchema({ type: "string" } as SpecSchema, testContext())).toEqual({ type: "string" });
  });
});

describe("the emitted patterns", () => {
  const controls = [...Array.from({ length: 0x20 }, (_, code) => code), 0x7f].map((code) => String.fromCharCode(code));
  const whitespace = ["\t", "\n", "\r"];
  // Printable text of every kind: C1 controls (U+0085), line separators and format characters are not ours to refuse.
  const printable = ["", "Blue mug", "é ü ß", "日本語", "🙂", "a\u0085b", "a\u2028b", "a\u202eb", "~!@#$%^&*()"];

  it.each([
    { name: "strict", pattern: STRICT, refused: controls, accepted: printable },
    {
      name: "free text",
      pattern: FREE_TEXT,
      refused: controls.filter((char) => !whitespace.includes(char)),
      accepted: [...printable, "line 1\nline 2", "a\tb", "a\r\nb"],
    },
  ])("$name: refuses each control character anywhere, accepts printable text", ({ pattern, refused, accepted }) => {
    const validate = compile2020({ type: "string", pattern });
    for (const char of refused) {
      for (const text of [char, `a${char}`, `${char}a`, `ab${char}cd`]) expect(validate(text), JSON.stringify(text)).toBe(false);
    }
    for (const text of accepted) expect(validate(text), JSON.stringify(text)).toBe(true);
  });
});

describe("refusesControlCharacters: only provably safe patterns", () => {
  it.each<[string, boolean]>([
    ["^[A-Z]{3}$", true],
    ["^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", true],
    ["^[\\x21-\\x7E]+$", true],
    ["^[\\u0041-\\u005A]+$", true],
    ["^\\d{4}-\\d{2}$", true],
    ["^(?:ab|cd)+\\.txt$", true],
    ["^[a-z][\\w-]*$", true],
    ["^[ -~]*$", true],
    ["^[a-z]+", false], // not anchored at the end: anything may follow
    ["[a-z]+$", false],
    ["^a$|^b$", false], // a top-level alternative is anchored on one side only
    ["^.+$", false],
    ["^[^a]+$", false],
    ["^\\s+$", false],
    ["^[\\x00-\\x7E]+$", false],
    ["^[\\x20-\\x7F]+$", false], // takes in DEL
    ["^[ -\\u0080]+$", false],
    ["^\\x09$", false],
    ["^(?=a)a$", false],
    ["^a{1,2$", false],
    ["^(a$", false],
    ["^a\\$", false],
    ["^a\tb$", false],
  ])("%s → %s", (pattern, want) => {
    expect(refusesControlCharacters(pattern)).toBe(want);
  });

  it("is sound: what it proves refuses every control character in practice", () => {
    const proven = ["^[\\x21-\\x7E]+$", "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "^[ -~]*$", "^[a-z][\\w-]*$"];
    for (const pattern of proven) {
      const regex = new RegExp(pattern, "u");
      for (let code = 0; code <= 0x7f; code += 1) {
        if (code > 0x1f && code !== 0x7f) continue;
        expect(regex.test(`a${String.fromCharCode(code)}`), `${pattern} with U+${code.toString(16)}`).toBe(false);
      }
    }
  });
});

describe("control-free formats", () => {
  // One valid value per format the rule trusts; adding a format to the list needs a sample here.
  const SAMPLES: Record<string, string> = {
    date: "2025-03-14",
    time: "09:26:53Z",
    "date-time": "2025-03-14T09:26:53Z",
    duration: "P1DT2H",
    uuid: "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
    email: "a.b@example.com",
    hostname: "shop.example.com",
    ipv4: "192.0.2.1",
    ipv6: "2001:db8::1",
    uri: "https://example.com/a?b=c",
    "uri-reference": "/a/b?c",
  };

  it("has a sample for every trusted format", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...CONTROL_FREE_FORMATS].sort());
  });

  it.each(Object.entries(SAMPLES))("%s: ajv-formats refuses a control character anywhere in %s", (format, sample) => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile({ type: "string", format });
    expect(validate(sample)).toBe(true);
    for (let code = 0; code <= 0x7f; code += 1) {
      if (code > 0x1f && code !== 0x7f) continue;
      const char = String.fromCharCode(code);
      for (let position = 0; position <= sample.length; position += 1) {
        const text = sample.slice(0, position) + char + sample.slice(position);
        expect(validate(text), `${format}: ${JSON.stringify(text)}`).toBe(false);
      }
    }
  });
});
