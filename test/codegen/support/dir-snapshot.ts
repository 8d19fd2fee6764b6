import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

export interface FileSnapshot {
  readonly contents: string;
  readonly mtimeMs: number;
}

/** Every file under `dir` (recursively) with its contents and mtime, keyed by POSIX relative path. */
export async function snapshotDir(dir: string): Promise<Map<string, FileSnapshot>> {
  const snapshot = new Map<string, FileSnapshot>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, file).split(path.sep).join("/");
    snapshot.set(relative, { contents: await readFile(file, "utf8"), mtimeMs: (await stat(file)).mtimeMs });
  }
  return new Map([...snapshot].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
