import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_HEADER } from "../../codegen/emit/ts-text.js";
import { BROKEN_SPECS } from "./support/broken-specs.js";
import { snapshotDir } from "./support/dir-snapshot.js";
import { fixtureSpec, outDir } from "./support/paths.js";
import { runCli } from "./support/run-cli.js";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** An output dir as a previous run might have left it: ours (with the header), stale, and a user's file. */
async function prepopulate(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, "sdk"), { recursive: true });
  await writeFile(path.join(dir, "routes.ts"), `${GENERATED_HEADER}export const stale = true;\n`);
  await writeFile(path.join(dir, "sdk/obsolete.ts"), `${GENERATED_HEADER}export {};\n`);
  await writeFile(path.join(dir, "NOTES.md"), "kept by a human\n");
}

describe.concurrent("generate refuses a broken spec (CLI)", () => {
  it.each(BROKEN_SPECS)(
    "$file: exit 2, names the JSON pointer, leaves the output dir untouched",
    async ({ file, spec, pointers, mentions }) => {
      const out = outDir("broken-specs-cli", path.basename(file, ".yaml"));
      await prepopulate(out);
      const before = await snapshotDir(out);

      const run = await runCli(["--spec", spec, "--out", out]);

      expect(run.code, run.stderr).toBe(2);
      // `<file>#<pointer>: <message>`, as SpecError.format() documents.
      const located = pointers.map((pointer) => new RegExp(`${escapeRegExp(file)}#${escapeRegExp(pointer)}: `));
      expect(
        located.some((pattern) => pattern.test(run.stderr)),
        run.stderr,
      ).toBe(true);
      for (const word of mentions) expect(run.stderr).toContain(word);
      expect(await snapshotDir(out)).toEqual(before);
    },
  );
});

/** stderr's non-empty lines. */
function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

describe.concurrent("generate reports an unreadable spec in one line (CLI)", () => {
  it.each([
    { file: "syntax-error.yaml", at: "11:7", reason: "deficient indentation" },
    { file: "syntax-error.json", at: "6:44", reason: "missed comma between flow collection entries" },
  ])("$file: `file:line:column: syntax error: …`, exit 2, no stack, none of the spec's text", async ({ file, at, reason }) => {
    const out = outDir("broken-specs-cli", file.replace(".", "-"));
    await prepopulate(out);
    const before = await snapshotDir(out);

    const run = await runCli(["--spec", fixtureSpec(`broken/${file}`), "--out", out]);

    expect(run.code, run.stderr).toBe(2);
    expect(lines(run.stderr)).toEqual([`test/fixtures/specs/broken/${file}:${at}: syntax error: ${reason}`]);
    expect(run.stdout).toBe("");
    expect(await snapshotDir(out)).toEqual(before);
  });

  it("a missing --spec file: `file: cannot read the spec: …`, exit 2", async () => {
    const run = await runCli(["--spec", "openapi/no-such-spec.yaml", "--out", outDir("broken-specs-cli", "missing")]);

    expect(run.code, run.stderr).toBe(2);
    expect(lines(run.stderr)).toEqual(["openapi/no-such-spec.yaml: cannot read the spec: no such file (ENOENT)"]);
  });
});

describe("generate reports every problem of a spec at once (CLI)", () => {
  it("the linter's and the model's findings together, one line each, each place once", async () => {
    const out = outDir("broken-specs-cli", "several-problems");
    await prepopulate(out);
    const before = await snapshotDir(out);

    const run = await runCli(["--spec", fixtureSpec("broken/several-problems.yaml"), "--out", out]);

    expect(run.code, run.stderr).toBe(2);
    const file = "test/fixtures/specs/broken/several-problems.yaml";
    expect(lines(run.stderr).sort()).toEqual(
      [
        `${file}#/paths/~1widgets/get/responses/200/content/application~1json/schema: Can't resolve $ref (no-unresolved-refs)`,
        `${file}#/paths/~1widgets/get/x-agent-auto-grant: x-agent-auto-grant must be a boolean, got "yes"`,
        `${file}#/paths/~1widgets/get/x-agent-approval-strength: x-agent-approval-strength must be one of session, webauthn, got "fingerprint"`,
        `${file}#/paths/~1things/get/operationId: duplicate operationId "listThings" (first used at #/paths/~1widgets/get)`,
        `${file}#/paths/~1gadgets/post/x-agent-scope: x-agent-scope must be a lower-case scope name, got "Back Office"`,
      ].sort(),
    );
    expect(await snapshotDir(out)).toEqual(before);
  });
});
