import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generate } from "../../codegen/generate.js";
import { fixtureSpec, outDir } from "./support/paths.js";
import { runCli } from "./support/run-cli.js";

// An operation without operationId cannot become a handler or a capability.
const SPEC = fixtureSpec("missing-operation-id.yaml");

describe("an operation without operationId", () => {
  it("is skipped with a warning that names it", async () => {
    const result = await generate({ specPath: SPEC });
    expect(result.operationCount).toBe(1);
    expect(result.warnings).toContainEqual(expect.stringContaining("#/paths/~1widgets/post"));
    expect(result.warnings.join("\n")).toMatch(/operationId/);
  });

  it("appears in no generated file; the other operation does", async () => {
    const { files } = await generate({ specPath: SPEC });
    const byPath = new Map(files.map((file) => [file.path, file.contents]));
    expect(byPath.get("routes.ts")).toContain('export type OperationId = "listWidgets";');
    // The capability names live in the SDK package; the server's registry re-exports them.
    expect(byPath.get("sdk/capabilities.ts")).toContain('export type CapabilityName = "listWidgets";');
    expect(byPath.get("capabilities.ts")).not.toMatch(/method: "POST"/);
    expect(byPath.get("routes.ts")).not.toMatch(/method: "post"/);
    expect(byPath.get("sdk/operations.ts")).not.toContain('method: "POST"');
  });

  it("makes the CLI warn on stderr and still succeed", async () => {
    const out = outDir("skipped-operations");
    await rm(out, { recursive: true, force: true });
    const run = await runCli(["--spec", SPEC, "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: .*#\/paths\/~1widgets\/post/);
  });
});
