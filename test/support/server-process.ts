import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../scripts/support/free-port.js";
import { SERVER_ARGS } from "../../scripts/support/server-command.js";
import { createTestDatabase } from "./test-database.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Date.now() when the exit was seen. */
  readonly at: number;
}

/** `npm start` as a child process (minus npm): the real entry point, its output kept for assertions. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  /** Waits until the output contains `text` (or the process exits first: then throws with the output). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/** Spawns the server as `npm start` runs it (SERVER_ARGS) with exactly `env` (plus PATH and HOME), on this Node binary. */
export function spawnServer(env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async waitFor(text, timeoutMs = 90_000) {
      const started = Date.now();
      while (!out.includes(text)) {
        if (done || Date.now() - started > timeoutMs) {
          throw new Error(
            `${done ? "server exited" : "timed out"} before printing ${JSON.stringify(text)}\nstdout:\n${out}\nstderr:\n${err}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/**
 * A database a server process can be started on, again and again: with
 * DATABASE_URL set, a fresh database on that server (dropped on dispose);
 * otherwise an embedded one in a temporary DATA_DIR.
 */
export async function serverDatabase(): Promise<{ env: NodeJS.ProcessEnv; dispose(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase();
    return { env: { DATABASE_URL: database.url }, dispose: () => database.dispose() };
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "commerce-server-"));
  return { env: { DATA_DIR: dataDir }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export interface StartedServer extends ServerProcess {
  readonly port: number;
  readonly baseUrl: string;
}

/** Starts the server on a free port and waits for its banner; a first start seeds the demo store and prints its keys. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<StartedServer> {
  const port = await freePort();
  const server = spawnServer({ PORT: String(port), ...env });
  await server.waitFor("Commerce API on");
  return { ...server, port, baseUrl: `http://127.0.0.1:${port}` };
}

/** Ends a server process that a test left running (a failed assertion), by its own pid. */
export function killServer(server: ServerProcess | undefined): void {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
}
