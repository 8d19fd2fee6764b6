import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureSpec, outDir } from "./support/paths.js";
import { runCli } from "./support/run-cli.js";

describe("generate --default-scope (CLI)", () => {
  it("writes the given scope into capabilities.ts", async () => {
    const out = outDir("default-scope-cli");
    await rm(out, { recursive: true, force: true });
    const run = await runCli(["--spec", fixtureSpec("no-extensions.yaml"), "--out", out, "--default-scope", "back_office"]);
    expect(run.code, run.stderr).toBe(0);
    const capabilities = await readFile(path.join(out, "capabilities.ts"), "utf8");
    expect(capabilities).toContain('export type CapabilityScope = "back_office";');
    expect(capabilities).not.toContain('"storefront"');
  });
});
