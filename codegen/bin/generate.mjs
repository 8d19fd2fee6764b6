#!/usr/bin/env node
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sourcesHash } from "./sources-hash.mjs";

/**
 * Entry point of `npm run generate`. Runs the generator from an esbuild bundle
 * of codegen/: loading its ~40 TypeScript modules one by one through tsx's
 * loader costs ~0.6 s per run. The bundle lives in codegen/.build/
 * (git-ignored) next to the sources, so paths relative to `import.meta.url`
 * (templates, the workers) still resolve. It is rebuilt only when a source
 * changed: a stamp holds the hash of every codegen/ source and of this file
 * (starting esbuild's service costs ~0.1–0.3 s, more than hashing ~50 files).
 */
const codegenDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(codegenDir, ".build");
const entryPoints = {
  cli: path.join(codegenDir, "cli.ts"),
  "pool-worker": path.join(codegenDir, "emit/pool-worker.ts"),
};

// Node ≥ 22.1: V8's compiled code of the generator and its libraries (TypeScript's 9 MB among them) is kept
// on disk between runs, which halves start-up; the cache checks each file's content, so it is never stale.
module.enableCompileCache?.(path.join(outdir, "compile-cache"));

const stampFile = path.join(outdir, "stamp");
const stamp = sourcesHash(codegenDir, [fileURLToPath(import.meta.url), fileURLToPath(new URL("./sources-hash.mjs", import.meta.url))]);
const fresh =
  existsSync(stampFile) &&
  readFileSync(stampFile, "utf8") === stamp &&
  Object.keys(entryPoints).every((name) => existsSync(path.join(outdir, `${name}.js`)));
if (!fresh) {
  const { buildSync } = await import("esbuild");
  const { outputFiles } = buildSync({
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "error",
  });
  mkdirSync(outdir, { recursive: true });
  // Write-then-rename: generators running in parallel (tests) never read half a file. The stamp goes last.
  for (const file of [...outputFiles, { path: stampFile, contents: stamp }]) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}
await import(pathToFileURL(path.join(outdir, "cli.js")).href);
