import { createHash } from "node:crypto";
import type { JobKind } from "./worker-jobs.js";

/**
 * Results of earlier runs' jobs, by content hash (see jobKey). The generator
 * touches no file: the CLI gives it one backed by the output directory
 * (codegen/job-cache-dir.ts); without one, every job runs.
 */
export interface JobCache {
  get(key: string): unknown;
  set(key: string, result: unknown): void;
}

/**
 * A job's identity: its kind and its whole input. The same input gives the
 * same output (jobs are pure), so a result found under this key is the one a
 * run would compute; what else it depends on (the generator's code, Ajv's and
 * js-yaml's versions) is the cache's to add (job-cache-dir.ts).
 */
export function jobKey(kind: JobKind, data: unknown): string {
  const hash = createHash("sha256").update(kind);
  // A string (the contract's JSON text, GitHub's ~20 MB) is hashed as it is: JSON.stringify copied and escaped it first.
  return (typeof data === "string" ? hash.update("\0s\0").update(data) : hash.update("\0").update(JSON.stringify(data))).digest("hex");
}
