import { mkdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { outDir, STRIPE_SPEC } from "./support/paths.js";
import { typecheckDirs } from "./support/typecheck.js";
import { generateInto } from "./support/write-generated.js";

// Stripe (4.2 MB, 468 operations, OpenAPI 3.0) proves the generator is not
// tuned to our own contract. Its own file, so it runs beside the other tests.
describe("Stripe spec", () => {
  it("generates output that type-checks with zero errors", async () => {
    const root = outDir("stripe");
    await mkdir(root, { recursive: true });

    let started = performance.now();
    const result = await generateInto(outDir("stripe", "stripe"), { specPath: STRIPE_SPEC });
    const generateSeconds = (performance.now() - started) / 1000;
    expect(result.operationCount).toBe(468);

    started = performance.now();
    const diagnostics = await typecheckDirs(root, ["stripe"]);
    const tscSeconds = (performance.now() - started) / 1000;
    console.info(`Stripe: generate ${generateSeconds.toFixed(1)}s, tsc ${tscSeconds.toFixed(1)}s`);

    expect(diagnostics.get("stripe")).toEqual([]);
  });
});
