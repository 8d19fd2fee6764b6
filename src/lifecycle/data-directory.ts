import { mkdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StartUpError } from "./start-up-error.js";

/** What a failed mkdir/write means for the operator, by errno code. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exhausted",
  ENOTDIR: "a part of the path is a file, not a directory",
  // mkdir in a directory that exists yet refuses children (/proc, /sys) says ENOENT.
  ENOENT: "its parent directory does not accept new entries",
  EEXIST: "something that is not a directory is in the way (a file or a dangling symbolic link)",
  ELOOP: "the path has a loop of symbolic links",
  ENAMETOOLONG: "the path is too long",
};

/**
 * Makes sure `directory` (DATA_DIR/pglite) exists and that `writableRoot`
 * (DATA_DIR) takes a file, before the embedded database touches either.
 *
 * Creates missing directories one level at a time instead of
 * `mkdirSync(…, { recursive: true })`: Node's recursive mkdir spins forever,
 * synchronously, on a path whose existing parent refuses new entries with
 * ENOENT (anything under /proc), so the process ignored SIGTERM at 100% CPU.
 */
export function prepareDataDirectory(writableRoot: string, directory: string, variable = "DATA_DIR"): void {
  const root = path.resolve(writableRoot);
  const target = path.resolve(directory);
  for (const missing of missingDirectories(target, variable, writableRoot)) {
    try {
      mkdirSync(missing);
    } catch (error) {
      throw new StartUpError(
        `${variable} ${JSON.stringify(writableRoot)}: cannot create ${missing}: ${reason(error)}; set ${variable} to a writable directory`,
        { cause: error },
      );
    }
  }
  const probe = path.join(root, `.write-test-${process.pid}`);
  try {
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (error) {
    throw new StartUpError(
      `${variable} ${JSON.stringify(writableRoot)}: cannot write to ${root}: ${reason(error)}; set ${variable} to a writable directory`,
      { cause: error },
    );
  }
}

/** The directories to create, outermost first; throws when an existing part of the path is not a directory. */
function missingDirectories(target: string, variable: string, configured: string): string[] {
  const missing: string[] = [];
  for (let current = target; ; current = path.dirname(current)) {
    try {
      if (statSync(current).isDirectory()) break;
      throw new StartUpError(
        `${variable} ${JSON.stringify(configured)}: ${current} is not a directory; set ${variable} to a writable directory`,
      );
    } catch (error) {
      if (error instanceof StartUpError) throw error;
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || path.dirname(current) === current) {
        throw new StartUpError(
          `${variable} ${JSON.stringify(configured)}: cannot use ${current}: ${reason(error)}; set ${variable} to a writable directory`,
          { cause: error },
        );
      }
      missing.unshift(current);
    }
  }
  return missing;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${REASONS[code] ?? "the system refused"} (${code})` : String(error);
}
