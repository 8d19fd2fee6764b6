import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ES module next to generate.mjs, no declarations
import { YOUNG_GENERATION_FLAG } from "../../codegen/bin/young-generation.mjs";
import { npmScriptNodeFlags } from "../../scripts/support/npm-script-flags.js";

describe("the generator's young-generation flag", () => {
  it("is the one `npm run generate` passes, so that it never restarts itself and bench:codegen measures that run", () => {
    expect(npmScriptNodeFlags("generate", "codegen/bin/generate.mjs")).toContain(YOUNG_GENERATION_FLAG);
  });

  it("is read from package.json only in the expected shape", () => {
    expect(() => npmScriptNodeFlags("generate", "codegen/bin/other.mjs")).toThrow(/must be "node \[flags\] codegen\/bin\/other.mjs"/);
  });
});
