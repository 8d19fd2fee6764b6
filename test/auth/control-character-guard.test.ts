/*
 * findControlCharacter: where the Better Auth guard finds a control
 * character in a JSON body, given → want. (Over HTTP, per endpoint:
 * test/security/auth-control-characters.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { findControlCharacter } from "../../src/auth/control-character-guard.js";

describe("findControlCharacter", () => {
  it.each<[string, unknown, { pointer: string; char: string } | undefined]>([
    ["clean text", { name: "Zoë 🙂", tags: ["a", "b"], count: 3, on: true, none: null }, undefined],
    ["NUL in a field", { name: "a\u0000b" }, { pointer: "/body/name", char: "\u0000" }],
    ["DEL in a field", { name: "a\u007f" }, { pointer: "/body/name", char: "\u007f" }],
    ["a line break in a name", { name: "a\nb" }, { pointer: "/body/name", char: "\n" }],
    ["a nested field", { data: { name: "x\u001b[31m" } }, { pointer: "/body/data/name", char: "\u001b" }],
    ["an array item", { capabilities: ["listProducts", "x\u0001"] }, { pointer: "/body/capabilities/1", char: "\u0001" }],
    ["a key", { metadata: { "a\u0000": 1 } }, { pointer: "/body/metadata/a\u0000", char: "\u0000" }],
    ["a key that needs pointer escaping", { "a/b~": "\u0002" }, { pointer: "/body/a~1b~0", char: "\u0002" }],
    ["the first in document order", { a: "ok", b: ["\u0003"], c: "\u0004" }, { pointer: "/body/b/0", char: "\u0003" }],
    ["a bare string body", "x\u0000", { pointer: "/body", char: "\u0000" }],
    ["free text with tabs and line breaks", { reason: "line 1\n\tline 2\r\n", binding_message: "a\nb" }, undefined],
    ["free text with NUL", { reason: "a\u0000" }, { pointer: "/body/reason", char: "\u0000" }],
    ["free text inside an array", { reason: ["a\nb", "c\u0007"] }, { pointer: "/body/reason/1", char: "\u0007" }],
    ["passwords are never checked", { password: "\u0000", newPassword: "\u0001", currentPassword: "\t" }, undefined],
    ["nothing to check", undefined, undefined],
  ])("%s", (_, body, want) => {
    expect(findControlCharacter(body, "/body")).toEqual(want);
  });

  it("walks a deeply nested body without exhausting the stack", () => {
    let body: unknown = "\u0000";
    for (let depth = 0; depth < 100_000; depth += 1) body = [body];
    expect(findControlCharacter(body, "/body")?.char).toBe("\u0000");
  });
});
