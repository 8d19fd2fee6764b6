/**
 * `npm run build`: compiles the server to plain JavaScript in `.build/`, so
 * `npm start` (scripts/start.mjs) runs it on Node without tsx's loader.
 *
 * Each `.ts` file of src/ and generated/ is transformed on its own by esbuild
 * (no bundling, imports left as written: they already name `.js` files) into
 * the same place under `.build/` (`.build/src/main.js`,
 * `.build/generated/routes.js`…), and every other file the server reads is
 * copied beside them (generated/validators/*.js, generated/openapi.{json,yaml},
 * generated/docs/, src/pages/assets/passkeys.js), so paths relative to
 * `import.meta.url` resolve as they do from the sources; `node_modules` is
 * found by walking up, as from src/. Source maps are written beside (`.js.map`)
 * for `NODE_OPTIONS=--enable-source-maps`.
 *
 * `.build/stamp` names the inputs it was built from (path, size and mtime of
 * each, see `inputStamp`). A build is written to a temporary directory and
 * renamed into place whole, so processes building at the same time (test
 * workers, cluster instances) never see a half-written `.build/`.
 *
 * Plain JavaScript run by Node itself: it must work before anything is compiled.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUILD_DIR = path.join(ROOT, ".build");
export const MAIN = path.join(BUILD_DIR, "src", "main.js");
const STAMP_FILE = path.join(BUILD_DIR, "stamp");
/** The trees compiled, and single files whose change must rebuild too (this script, the compiler options). */
const SOURCE_DIRS = ["src", "generated"];
const EXTRA_INPUTS = ["scripts/build.mjs", "tsconfig.json"];
/** Never loaded by the server: type declarations, and the browser scripts' own tsconfig. */
const SKIPPED = (name) => name.endsWith(".d.ts") || name === "tsconfig.json" || name === "package.json";

/** Every input file below `dir` (relative to ROOT), with its stat. */
function walk(dir, into) {
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(relative, into);
    else if (entry.isFile() && !SKIPPED(entry.name)) into.push(relative);
  }
  return into;
}

export function inputFiles() {
  return SOURCE_DIRS.flatMap((dir) => walk(dir, []));
}

/**
 * What the build depends on, as one hash of each input's path, size and
 * mtime: an edit, a new, deleted or renamed file, or a `git checkout` changes it.
 * A stat per file (a few hundred): about a millisecond or two.
 */
export function inputStamp(files = inputFiles()) {
  const hash = createHash("sha256");
  for (const file of [...files, ...EXTRA_INPUTS]) {
    const stat = statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    hash.update(`${file}\0${stat ? `${stat.size}:${stat.mtimeMs}` : "-"}\n`);
  }
  return hash.digest("hex");
}

export function builtStamp() {
  try {
    return readFileSync(STAMP_FILE, "utf8");
  } catch {
    return undefined;
  }
}

/** True when `.build/` was built from the sources as they are now. */
export function isFresh() {
  return builtStamp() === inputStamp();
}

/** Compiles and copies into a temporary directory, then renames it to `.build/`. */
export async function build() {
  const { build: esbuild, stop } = await import("esbuild");
  const files = inputFiles();
  const stamp = inputStamp(files);
  const temporary = `${BUILD_DIR}.tmp-${process.pid}-${Date.now()}`;
  try {
    const typescript = files.filter((file) => file.endsWith(".ts"));
    await esbuild({
      absWorkingDir: ROOT,
      entryPoints: typescript,
      outdir: temporary,
      outbase: ".",
      bundle: false,
      format: "esm",
      platform: "node",
      target: "node22",
      tsconfig: path.join(ROOT, "tsconfig.json"),
      // Maps beside each file, read only under `NODE_OPTIONS=--enable-source-maps` (stack traces in .ts lines):
      // off by default, they cost start-up time and memory, and each .js file already has its .ts file's path.
      sourcemap: "linked",
      logLevel: "warning",
    });
    for (const file of files) {
      if (!file.endsWith(".ts")) {
        mkdirSync(path.dirname(path.join(temporary, file)), { recursive: true });
        cpSync(path.join(ROOT, file), path.join(temporary, file));
      }
    }
    writeFileSync(path.join(temporary, "stamp"), stamp);
    // Another process may have finished the same build meanwhile: keep its copy (a process may be loading from it).
    if (builtStamp() === stamp) return;
    const previous = `${BUILD_DIR}.old-${process.pid}-${Date.now()}`;
    if (existsSync(BUILD_DIR)) renameSync(BUILD_DIR, previous);
    try {
      renameSync(temporary, BUILD_DIR);
    } catch (error) {
      // Lost a race to another builder between the two renames: its build is as good as ours.
      if (!existsSync(BUILD_DIR)) throw error;
    }
    rmSync(previous, { recursive: true, force: true });
  } finally {
    // esbuild's service process would otherwise live as long as the server started after the build.
    await stop();
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** Builds unless `.build/` is current; returns whether it built. */
export async function ensureBuilt() {
  if (isFresh()) return false;
  await build();
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `--if-stale`: only when a source changed since the last build (what `npm start` does first).
  const started = performance.now();
  if (process.argv.includes("--if-stale") && isFresh()) {
    console.log(".build/ is current");
  } else {
    await build();
    console.log(`built .build/ in ${Math.round(performance.now() - started)} ms`);
  }
}
