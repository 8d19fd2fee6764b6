import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JobCache } from "./emit/job-cache.js";

/** The cache's directory inside the output directory (git-ignored; `generate --check` and obsolete-file cleanup skip it). */
export const JOB_CACHE_DIR = ".codegen-cache";

/** What a job's result depends on besides its input: the generator's code and the libraries that compute the results. */
const LIBRARIES = ["ajv", "ajv-formats", "@redocly/openapi-core", "js-yaml", "openapi-typescript", "typescript"];

/**
 * The worker jobs' results of the last run (Ajv's compiled validators, the
 * types, the YAML contract), one file each in `<out>/.codegen-cache/`, named
 * by a hash of the job's input, the generator's code and the libraries'
 * versions: a changed schema, generator or library misses, anything else is
 * found. The CLI posts every job (worker-pool.ts); `generate()` without the
 * early worker only those of large specs.
 *
 * A cold run (no cache: a fresh checkout, a new output directory,
 * `--no-cache`) computes every job and writes them here afterwards (Stripe:
 * ~29 MB, the types included); entries the run did not use are removed, so
 * the directory holds one run's worth.
 *
 * @example
 * const jobCache = openJobCache("generated");
 * await generate({ specPath, jobCache: jobCache.cache });
 * await jobCache.save();
 */
export function openJobCache(outDir: string): { cache: JobCache; save(): Promise<void> } {
  const dir = path.join(outDir, JOB_CACHE_DIR);
  // Worked out on first use: a run that posts no job (a small spec) reads nothing.
  let salt: string | undefined;
  const fileOf = (key: string) => {
    salt ??= codeAndLibraries();
    return path.join(dir, `${createHash("sha256").update(salt).update(key).digest("hex")}.json`);
  };
  const used = new Set<string>();
  const fresh = new Map<string, unknown>();
  return {
    cache: {
      get(key) {
        const file = fileOf(key);
        try {
          const result = decodeResult(readFileSync(file, "utf8"));
          used.add(file);
          return result;
        } catch {
          // Missing, or cut short by an interrupted write: computed again.
          return undefined;
        }
      },
      set(key, result) {
        fresh.set(fileOf(key), result);
      },
    },
    async save() {
      if (fresh.size > 0) await mkdir(dir, { recursive: true });
      for (const [file, result] of fresh) {
        const temporary = `${file}.${process.pid}.tmp`;
        await writeFile(temporary, encodeResult(result));
        await rename(temporary, file);
        used.add(file);
        // Written: the run's largest strings (GitHub: ~29 MB of validators and YAML) need not outlive it.
        fresh.delete(file);
      }
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        if (!used.has(path.join(dir, name))) await rm(path.join(dir, name), { force: true });
      }
    },
  };
}

/**
 * A cached result as file text. A string (the YAML contract, the response
 * validators' code: GitHub's ~22 MB) is written as it is after a one-letter
 * tag: `JSON.stringify` escaped every quote and newline of it, and parsing
 * undid that on every warm run. Anything else is JSON, which never starts with
 * the tag.
 */
const RAW_STRING_TAG = "s";

function encodeResult(result: unknown): string {
  return typeof result === "string" ? `${RAW_STRING_TAG}${result}` : JSON.stringify(result);
}

function decodeResult(text: string): unknown {
  return text.startsWith(RAW_STRING_TAG) ? text.slice(RAW_STRING_TAG.length) : JSON.parse(text);
}

/**
 * The running generator's code and the libraries' versions: from the esbuild
 * bundle, its stamp (generate.mjs's hash of every codegen/ source and of the
 * installed packages); from sources (tests), this file's text.
 */
function codeAndLibraries(): string {
  const stamp = fileURLToPath(new URL("./stamp", import.meta.url));
  const hash = createHash("sha256").update(readFileSync(existsSync(stamp) ? stamp : fileURLToPath(import.meta.url)));
  for (const name of LIBRARIES) hash.update(`\0${name}@${libraryVersion(name)}`);
  return hash.digest("hex");
}

/** The version in a library's package.json, found from where Node resolves the library (its `exports` may hide the file). */
function libraryVersion(name: string): string {
  let dir: string;
  try {
    dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  } catch {
    return "unresolved";
  }
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
    if (parsed.name === name) return parsed.version ?? "unknown";
  }
  return "unknown";
}
