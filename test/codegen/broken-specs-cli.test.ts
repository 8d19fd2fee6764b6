import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_HEADER } from "../../codegen/emit/ts-text.js";
import { BROKEN_SPECS } from "./support/broken-specs.js";
import { snapshotDir } from "./support/dir-snapshot.js";
import { outDir } from "./support/paths.js";
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
  it.each(BROKEN_SPECS)("$file: exit 2, names the JSON pointer, leaves the output dir untouched", async ({ file, spec, pointers, mentions }) => {
    const out = outDir("broken-specs-cli", path.basename(file, ".yaml"));
    await prepopulate(out);
    const before = await snapshotDir(out);

    const run = await runCli(["--spec", spec, "--out", out]);

    expect(run.code, run.stderr).toBe(2);
    // `<file>#<pointer>: <message>`, as SpecError.format() documents.
    const located = pointers.map((pointer) => new RegExp(`${escapeRegExp(file)}#${escapeRegExp(pointer)}: `));
    expect(located.some((pattern) => pattern.test(run.stderr)), run.stderr).toBe(true);
    for (const word of mentions) expect(run.stderr).toContain(word);
    expect(await snapshotDir(out)).toEqual(before);
  });
});
