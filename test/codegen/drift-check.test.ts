import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { snapshotDir } from "./support/dir-snapshot.js";
import { COMMERCE_SPEC, outDir } from "./support/paths.js";
import { runCli } from "./support/run-cli.js";

// `generate --check` is the CI gate against committed output that no longer
// matches the spec. Each test leaves the workspace as beforeAll made it.
describe("generate --check", () => {
  const work = outDir("drift-check");
  const spec = path.join(work, "commerce.yaml");
  const out = path.join(work, "generated");
  const check = () => runCli(["--spec", spec, "--out", out, "--check"]);

  beforeAll(async () => {
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    await copyFile(COMMERCE_SPEC, spec);
    const run = await runCli(["--spec", spec, "--out", out, "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
  });

  it("exits 0 when the output matches the spec", async () => {
    const run = await check();
    expect(run.code, run.stderr).toBe(0);
  });

  it("exits 1 naming a generated file that was edited by hand, and leaves the edit", async () => {
    const sdk = path.join(out, "sdk/operations.ts");
    const original = await readFile(sdk, "utf8");
    await writeFile(sdk, `${original}// hand edit\n`);
    try {
      const run = await check();
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${out}/sdk/operations.ts`);
      expect(run.stderr).not.toContain(`${out}/routes.ts`);
      expect(await readFile(sdk, "utf8")).toContain("// hand edit");
    } finally {
      await writeFile(sdk, original);
    }
  });

  it("exits 1 listing the stale files, and writes nothing, after the spec changed", async () => {
    const yaml = await readFile(spec, "utf8");
    const edited = yaml.replace("summary: Add an item to a cart", "summary: Put a product into a cart");
    expect(edited).not.toBe(yaml);
    await writeFile(spec, edited);
    const before = await snapshotDir(out);
    try {
      const run = await check();
      expect(run.code).toBe(1);
      // The summary shows in the handler docs, the capability description, the MCP tool title and the types (in the SDK's package).
      for (const file of ["routes.ts", "capabilities.ts", "mcp-tools.ts", "sdk/openapi.ts"]) expect(run.stderr).toContain(`${out}/${file}`);
      expect(run.stderr).not.toContain(`${out}/runtime`);
      expect(await snapshotDir(out)).toEqual(before);
    } finally {
      await writeFile(spec, yaml);
    }
  });
});
