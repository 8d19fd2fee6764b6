/*
 * The product never loads the response validators: the generated router
 * modules and the app's wiring leave them out, so only tests (which pass
 * their table as validateResponses) pay for them. Moved out of
 * test/router/response-validation.test.ts, which checks the generator's part
 * on a fixture spec.
 */
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { RUNTIME_MODULES } from "../../codegen/emit/runtime-emitter.js";

const importsValidators = /from\s+["'][./]*(?:generated\/)?validators\/responses(?:\.js)?["']/;

it("never loads the response validators: only a caller passing their table does", async () => {
  // Every file of the product (a new one included), and the generated modules the router and dispatcher load.
  const product = readdirSync(new URL("../../src", import.meta.url), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => `src/${file}`);
  expect(product.length).toBeGreaterThan(150);
  for (const file of [
    "generated/routes.ts",
    "generated/runtime.ts",
    ...RUNTIME_MODULES.map((name) => `generated/runtime/${name}`),
    "generated/response-validation.ts",
    ...product,
  ]) {
    expect(await readFile(new URL(`../../${file}`, import.meta.url), "utf8"), file).not.toMatch(importsValidators);
  }
  // The pattern does find the import where it is (the test servers).
  expect(await readFile(new URL("../support/contract-check.ts", import.meta.url), "utf8")).toMatch(importsValidators);
});
