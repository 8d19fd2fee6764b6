import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GENERATED_YAML_HEADER } from "../../codegen/emit/contract-emitter.js";
import { GENERATED_HEADER } from "../../codegen/emit/ts-text.js";
import { generate } from "../../codegen/generate.js";
import { snapshotDir } from "./support/dir-snapshot.js";
import { COMMERCE_SPEC, fixtureSpec, outDir } from "./support/paths.js";
import { runCli } from "./support/run-cli.js";

describe("deterministic output", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ["commerce.yaml", COMMERCE_SPEC],
    ["composition.yaml", fixtureSpec("composition.yaml")],
    ["recursive.yaml", fixtureSpec("recursive.yaml")],
    ["multi-file/openapi.yaml", fixtureSpec("multi-file/openapi.yaml")],
  ])("generate() twice on %s gives byte-identical files", async (_, specPath) => {
    // Runs years apart: a timestamp anywhere in the output would differ.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2001-02-03T04:05:06Z"));
    const first = await generate({ specPath });
    vi.setSystemTime(new Date("2031-12-30T23:59:58Z"));
    const second = await generate({ specPath });
    expect(second.files.map((file) => file.path)).toEqual(first.files.map((file) => file.path));
    for (const [index, file] of first.files.entries()) expect(second.files[index]!.contents, file.path).toBe(file.contents);
  });

  it("emits LF line endings and starts every file with the static header (as YAML comments in YAML; JSON has none)", async () => {
    const { files } = await generate({ specPath: COMMERCE_SPEC });
    for (const file of files) {
      expect(file.contents.includes("\r"), file.path).toBe(false);
      if (file.path.endsWith(".json")) continue;
      expect(file.contents.startsWith(file.path.endsWith(".yaml") ? GENERATED_YAML_HEADER : GENERATED_HEADER), file.path).toBe(true);
    }
  });

  it("a second CLI run writes 0 files and leaves mtimes alone", async () => {
    const out = outDir("determinism");
    await rm(out, { recursive: true, force: true });
    const first = await runCli(["--spec", COMMERCE_SPEC, "--out", out]);
    expect(first.code, first.stderr).toBe(0);
    const before = await snapshotDir(out);
    expect(before.size).toBeGreaterThan(0);

    const second = await runCli(["--spec", COMMERCE_SPEC, "--out", out]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\b0 written\b/);
    expect(await snapshotDir(out)).toEqual(before);
  });
});
