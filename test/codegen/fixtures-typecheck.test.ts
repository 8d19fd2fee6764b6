import { mkdir } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { COMMERCE_SPEC, fixtureSpec, outDir, PETSTORE_SPEC } from "./support/paths.js";
import { typecheckDirs } from "./support/typecheck.js";
import { generateInto } from "./support/write-generated.js";

/** Every fixture spec, our contract and the small third-party spec: output dir name → spec. */
const SPECS: Record<string, string> = {
  "nullable-30": fixtureSpec("nullable-30.yaml"),
  "null-type-31": fixtureSpec("null-type-31.yaml"),
  composition: fixtureSpec("composition.yaml"),
  enums: fixtureSpec("enums.yaml"),
  recursive: fixtureSpec("recursive.yaml"),
  "path-parameters": fixtureSpec("path-parameters.yaml"),
  "content-types": fixtureSpec("content-types.yaml"),
  "multi-file": fixtureSpec("multi-file/openapi.yaml"),
  "missing-operation-id": fixtureSpec("missing-operation-id.yaml"),
  "odd-operation-ids": fixtureSpec("odd-operation-ids.yaml"),
  "no-extensions": fixtureSpec("no-extensions.yaml"),
  "typed-handlers": fixtureSpec("typed-handlers.yaml"),
  "mcp-tools": fixtureSpec("mcp-tools.yaml"),
  commerce: COMMERCE_SPEC,
  petstore3: PETSTORE_SPEC,
};

const ROOT = outDir("typecheck");
const names = Object.keys(SPECS);
let diagnostics: Map<string, string[]>;
let tscSeconds = 0;

describe("generated output type-checks", () => {
  beforeAll(async () => {
    await mkdir(ROOT, { recursive: true });
    for (const name of names) await generateInto(outDir("typecheck", name), { specPath: SPECS[name]! });
    // One tsc run over all outputs: the compiler and lib files load once.
    const started = performance.now();
    diagnostics = await typecheckDirs(ROOT, names);
    tscSeconds = (performance.now() - started) / 1000;
  });

  it.each(names)("%s: zero tsc errors", (name) => {
    expect(diagnostics.get(name)).toEqual([]);
  });

  it("type-checks all fixtures in one tsc run in reasonable time", () => {
    console.info(`tsc over ${names.length} fixture outputs: ${tscSeconds.toFixed(1)}s`);
    expect(tscSeconds).toBeLessThan(60);
  });
});
