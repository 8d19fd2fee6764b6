import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "./paths.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The command of `npm run generate`, read from package.json so the tests run
 * whatever the script runs, without npm's own start-up cost.
 */
function generateCommand(): string[] {
  const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const [program, ...args] = packageJson.scripts.generate!.trim().split(/\s+/);
  if (program === "node") return [process.execPath, ...args];
  if (program === "tsx") return [process.execPath, path.join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"), ...args];
  throw new Error(`cannot run the generate script without npm: ${packageJson.scripts.generate}`);
}

/**
 * Runs `npm run generate -- ...args` from the project root and resolves with
 * its exit code and output; a non-zero exit is a result, not a rejection.
 */
export function runCli(args: readonly string[]): Promise<CliRun> {
  const [program, ...base] = generateCommand();
  return new Promise((resolve, reject) => {
    execFile(program!, [...base, ...args], { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") {
        reject(error);
        return;
      }
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
    });
  });
}

/** Starts `npm run generate -- ...args` from the project root without waiting for it (e.g. `--watch`). */
export function spawnCli(args: readonly string[]): ChildProcess {
  const [program, ...base] = generateCommand();
  return spawn(program!, [...base, ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
}
