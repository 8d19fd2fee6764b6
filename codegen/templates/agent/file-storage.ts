/*
 * The identity as a JSON file, readable by its owner only: it holds private
 * keys, and whoever reads them can act as this agent.
 *
 * Permissions: the file is created 0600 (the directory, when we create it,
 * 0700). Every save writes a temporary file 0600 in the same directory and
 * renames it over the old one, so a crash never leaves half a file and the
 * result is 0600 whatever the old file's mode was. A file found with group or
 * world bits at load is tightened to 0600 on the spot rather than refused:
 * refusing would strand the agent's identity over a mode a `cp` or an unzip
 * can set, while tightening fixes the exposure from now on.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { IdentityStorageError } from "./errors.js";
import { type IdentityRecord, type IdentityStorage, parseIdentityRecord } from "./identity.js";

const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

export class FileIdentityStorage implements IdentityStorage {
  readonly path: string;

  constructor(filePath: string) {
    this.path = path.resolve(filePath);
  }

  async load(): Promise<IdentityRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if (isErrnoException(error) && error.code === "ENOENT") return undefined;
      throw new IdentityStorageError(this.path, "cannot read", { cause: error });
    }
    await this.tightenPermissions();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new IdentityStorageError(this.path, "not valid JSON", { cause: error });
    }
    return parseIdentityRecord(value, this.path);
  }

  async save(record: IdentityRecord): Promise<void> {
    const directory = path.dirname(this.path);
    await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
    // Same directory as the target: rename is atomic only within one file system.
    const temporary = path.join(directory, `.${path.basename(this.path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      // "wx": never follow or reuse an existing file at the temporary name.
      const handle = await open(temporary, "wx", FILE_MODE);
      try {
        // The umask can only clear bits; chmod states the mode whatever the umask was.
        await handle.chmod(FILE_MODE);
        await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new IdentityStorageError(this.path, "cannot write", { cause: error });
    }
  }

  private async tightenPermissions(): Promise<void> {
    // POSIX modes only: on Windows the bits do not describe access.
    if (process.platform === "win32") return;
    try {
      const { mode } = await stat(this.path);
      if ((mode & 0o077) !== 0) await chmod(this.path, FILE_MODE);
    } catch (error) {
      // Not ours to chmod (another owner) or gone meanwhile: say so rather than use exposed keys silently.
      throw new IdentityStorageError(this.path, "cannot restrict permissions to 0600", { cause: error });
    }
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
