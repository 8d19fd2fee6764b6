#!/usr/bin/env node
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
/**
 * Entry point of `npm run generate`. Runs the generator from an esbuild bundle
 * of codegen/ made on the spot: loading its ~30 TypeScript modules one by one
 * through tsx's loader costs ~0.6 s per run, bundling them takes ~10 ms.
 * The bundle lives in codegen/.build/ (git-ignored) next to the sources, so
 * paths relative to `import.meta.url` (templates, the worker) still resolve.
 */
import { buildSync } from "esbuild";

const codegenDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(codegenDir, ".build");

const { outputFiles } = buildSync({
  entryPoints: { cli: path.join(codegenDir, "cli.ts"), "validators-worker": path.join(codegenDir, "emit/validators-worker.ts"),
    "response-validators-worker": path.join(codegenDir, "emit/response-validators-worker.ts"),
  },
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
for (const file of outputFiles) {
  // Write-then-rename: generators running in parallel (tests) never read half a file.
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
await import(pathToFileURL(path.join(outdir, "cli.js")).href);
