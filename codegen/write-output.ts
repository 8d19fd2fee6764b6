import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { EmittedFile } from "./emit/emitter.js";
import { GENERATED_HEADER } from "./emit/ts-text.js";
import { JOB_CACHE_DIR } from "./job-cache-dir.js";

export interface OutputPlan {
  /** Files to create or overwrite (content differs or file is missing). */
  readonly changed: readonly EmittedFile[];
  /** Generated files on disk that this run no longer emits. */
  readonly obsolete: readonly string[];
}

/** Compares emitted files with the output directory without touching it. */
export async function planOutput(outDir: string, files: readonly EmittedFile[]): Promise<OutputPlan> {
  const changed: EmittedFile[] = [];
  for (const file of files) {
    const current = await readFile(path.join(outDir, file.path), "utf8").catch(() => undefined);
    if (current !== file.contents) changed.push(file);
  }
  const emitted = new Set(files.map((file) => file.path));
  const obsolete: string[] = [];
  for (const existing of await listFiles(outDir)) {
    if (emitted.has(existing)) continue;
    // Only files we generated (they carry our header) are ours to remove.
    const contents = await readFile(path.join(outDir, existing), "utf8");
    if (contents.startsWith(GENERATED_HEADER)) obsolete.push(existing);
  }
  return { changed, obsolete };
}

/**
 * Applies a plan: each changed file is written to a temporary sibling and
 * renamed into place, so a reader never sees half a file; unchanged files are
 * not rewritten (their mtime stays).
 */
export async function applyOutput(outDir: string, plan: OutputPlan): Promise<void> {
  for (const file of plan.changed) {
    const target = path.join(outDir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, target);
  }
  for (const obsolete of plan.obsolete) await rm(path.join(outDir, obsolete));
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    // The job cache is not output: never compared, never removed as obsolete.
    if (relative === JOB_CACHE_DIR) continue;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}
