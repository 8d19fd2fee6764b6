import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ES module next to generate.mjs, no declarations
import { MALLOC_ARENAS, missingSettings, YOUNG_GENERATION_FLAG } from "../../codegen/bin/memory-settings.mjs";
import { npmScriptNodeFlags } from "../../scripts/support/npm-script-flags.js";
import { sharedSpec } from "../../scripts/support/shared-specs.js";

const stripe = ["--spec", sharedSpec("stripe-spec3-2023-09-12.yaml")];

describe("the generator's memory settings", () => {
  it("the young-generation flag is the one `npm run generate` passes, so bench:codegen measures that run", () => {
    expect(npmScriptNodeFlags("generate", "codegen/bin/generate.mjs")).toContain(YOUNG_GENERATION_FLAG);
  });

  it("is read from package.json only in the expected shape", () => {
    expect(() => npmScriptNodeFlags("generate", "codegen/bin/other.mjs")).toThrow(/must be "node \[flags\] codegen\/bin\/other.mjs"/);
  });

  it("restarts a large spec's run with what it lacks: the flag, and on Linux glibc's arena limit", () => {
    expect(missingSettings({ argv: stripe, execArgv: [], env: {}, platform: "linux" })).toEqual({
      flags: [YOUNG_GENERATION_FLAG],
      env: { MALLOC_ARENA_MAX: MALLOC_ARENAS },
    });
    // `npm run generate` on Linux: the flag is there, the environment variable is not.
    expect(missingSettings({ argv: stripe, execArgv: [YOUNG_GENERATION_FLAG], env: {}, platform: "linux" })).toEqual({
      flags: [],
      env: { MALLOC_ARENA_MAX: MALLOC_ARENAS },
    });
    // Elsewhere malloc has no such setting: the flag alone decides.
    expect(missingSettings({ argv: stripe, execArgv: [YOUNG_GENERATION_FLAG], env: {}, platform: "darwin" })).toBeUndefined();
    // Set by hand (NODE_OPTIONS, the environment): nothing to restart for, whatever their values.
    expect(
      missingSettings({
        argv: stripe,
        execArgv: [],
        env: { NODE_OPTIONS: "--max-semi-space-size=8", MALLOC_ARENA_MAX: "4" },
        platform: "linux",
      }),
    ).toBeUndefined();
  });

  it("never restarts a small spec's run, nor --watch", () => {
    expect(missingSettings({ argv: [], execArgv: [], env: {}, platform: "linux" })).toBeUndefined(); // commerce.yaml
    expect(missingSettings({ argv: [...stripe, "--watch"], execArgv: [], env: {}, platform: "linux" })).toBeUndefined();
  });
});
