#!/usr/bin/env node
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { relaunchWithMemorySettings } from "./memory-settings.mjs";
import { sourcesHash } from "./sources-hash.mjs";

/**
 * Entry point of `npm run generate`. Runs the generator from an esbuild bundle
 * of codegen/: loading its ~40 TypeScript modules one by one through tsx's
 * loader costs ~0.6 s per run. The libraries are in the bundle too (Ajv,
 * Redocly, openapi-typescript): Node resolving, format-detecting and loading
 * their ~400 files one by one cost ~0.2 s of every run (commerce.yaml:
 * 0.9 → 0.7 s of CPU). Two stay outside: ts-morph, which --scaffold alone
 * loads, and TypeScript, one file `require`d (see typescriptByRequire). The
 * bundle is split in chunks, so each thread loads only what it runs (the
 * worker's jobs: worker-jobs.ts). The bundle lives in codegen/.build/
 * (git-ignored) next to the sources, so paths relative to `import.meta.url`
 * (templates, the worker) still resolve. It is rebuilt only when a source
 * changed: a stamp holds the hash of every codegen/ source, of this file and
 * of npm's record of the installed packages (`node_modules/.package-lock.json`:
 * an upgraded library rebuilds it); starting esbuild's service costs
 * ~0.1–0.3 s, more than hashing ~50 files.
 */
// A large spec's run without the memory settings restarts with them and only waits here (see memory-settings.mjs).
const relaunched = relaunchWithMemorySettings();
if (relaunched) process.exit(await relaunched);

const codegenDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(codegenDir, ".build");
const entryPoints = {
  cli: path.join(codegenDir, "cli.ts"),
  "pool-worker": path.join(codegenDir, "emit/pool-worker.ts"),
  "job-worker": path.join(codegenDir, "emit/job-worker.ts"),
};

// Node ≥ 22.1: V8's compiled code of the generator and its libraries (TypeScript's 9 MB among them) is kept
// on disk between runs, which halves start-up; the cache checks each file's content, so it is never stale.
module.enableCompileCache?.(path.join(outdir, "compile-cache"));

const stampFile = path.join(outdir, "stamp");
const installed = [path.join(codegenDir, "../node_modules/.package-lock.json"), path.join(codegenDir, "../package-lock.json")].find(
  existsSync,
);
const stamp = sourcesHash(codegenDir, [
  fileURLToPath(import.meta.url),
  fileURLToPath(new URL("./sources-hash.mjs", import.meta.url)),
  ...(installed ? [installed] : []),
]);
// The stamp's first line is the hash; the others name the bundle's files (entries and shared chunks), all required.
const stampLines = existsSync(stampFile) ? readFileSync(stampFile, "utf8").split("\n") : [];
const fresh = stampLines[0] === stamp && stampLines.length > 1 && stampLines.slice(1).every((name) => existsSync(path.join(outdir, name)));
/**
 * TypeScript (9 MB in one CommonJS file, for openapi-typescript's printer) is
 * left out of the bundle and loaded by `require` when the types job first
 * runs. Bundled, V8 compiled its module function lazily and Node's compile
 * cache kept almost none of it (~0.2 MB of cache for 10 MB of source, ~0.5 s
 * to load on every run); imported as an ES module from outside the bundle,
 * Node first scanned its text for ESM syntax and for its exports (~0.25 s).
 * By `require`, a plain CommonJS load that the compile cache covers: ~0.3 s
 * (commerce.yaml's whole run: 0.93–1.01 → 0.78–0.83 s of wall time).
 */
const typescriptByRequire = {
  name: "typescript-by-require",
  setup(build) {
    const namespace = "typescript-by-require";
    build.onResolve({ filter: /^typescript$/ }, (args) =>
      args.namespace === namespace ? { path: "typescript", external: true } : { path: "typescript", namespace },
    );
    // An ES module whose default export is the required module: openapi-typescript only ever does `import ts from
    // "typescript"`, which then takes it as it is (as `module.exports`, esbuild would copy its ~2,000 exports first).
    build.onLoad({ filter: /.*/, namespace }, () => ({ contents: 'export default require("typescript");', loader: "js" }));
  },
};

if (!fresh) {
  const { build } = await import("esbuild");
  const { outputFiles } = await build({
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    // What only some runs need is a chunk of its own, imported on first use: the libraries behind the worker's jobs
    // (TypeScript, ~9 MB, for the types; Ajv) are not loaded by the run's thread unless it runs such a job itself.
    splitting: true,
    chunkNames: "chunk-[hash]",
    target: "node20",
    external: ["ts-morph"],
    plugins: [typescriptByRequire],
    // CommonJS libraries in an ES module bundle: they still call require() and read __filename/__dirname.
    banner: {
      js: [
        'import { createRequire as __codegenCreateRequire } from "node:module";',
        'import { fileURLToPath as __codegenFileURLToPath } from "node:url";',
        "const require = __codegenCreateRequire(import.meta.url);",
        "const __filename = __codegenFileURLToPath(import.meta.url);",
        'const __dirname = __codegenFileURLToPath(new URL(".", import.meta.url));',
      ].join("\n"),
    },
    write: false,
    logLevel: "error",
  });
  mkdirSync(outdir, { recursive: true });
  const names = outputFiles.map((file) => path.basename(file.path));
  // Write-then-rename: generators running in parallel (tests) never read half a file. The stamp goes last.
  for (const file of [...outputFiles, { path: stampFile, contents: [stamp, ...names].join("\n") }]) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  removeStaleChunks(names);
}
// The run's worker starts first: it loads TypeScript and Ajv while this thread loads the generator and reads the spec.
const { startJobWorkerEarly } = await import(pathToFileURL(path.join(outdir, "job-worker.js")).href);
startJobWorkerEarly();
await import(pathToFileURL(path.join(outdir, "cli.js")).href);

/**
 * Chunks of former builds (named by content hash) that this build does not
 * use. Only those older than ten minutes: a generator started just before
 * this rebuild may still import one.
 */
function removeStaleChunks(current) {
  const tooOld = Date.now() - 10 * 60 * 1000;
  for (const name of readdirSync(outdir)) {
    if (!name.startsWith("chunk-") || current.includes(name)) continue;
    const file = path.join(outdir, name);
    if (statSync(file).mtimeMs < tooOld) rmSync(file, { force: true });
  }
}
