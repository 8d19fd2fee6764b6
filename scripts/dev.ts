/**
 * `npm run dev [-- --scaffold]`: the API team's loop. Two processes side by side:
 *
 * - the generator in watch mode (`npm run generate -- --watch`): a save of
 *   openapi/commerce.yaml (or a file it `$ref`s) regenerates `generated/`;
 *   a spec with errors prints them and writes nothing;
 * - the server under `tsx watch src/main.ts`, started once the first
 *   generation is done: it restarts when a file it imports changes, so a new
 *   `generated/` (or an edited handler) reloads it. A spec error writes
 *   nothing, so the server keeps running the last good contract.
 *
 * `--scaffold` also adds a 501 stub for every new operation without a handler
 * (`generate --scaffold`), so a new route answers `not_implemented` at once.
 * Ctrl-C stops both (the server drains as on SIGINT in production).
 */

import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WATCH_READY } from "../codegen/watch.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { scaffold: { type: "boolean", default: false } }, strict: true });

const children = new Set<ChildProcess>();
let stopping = false;

/**
 * Children run in their own process group: a Ctrl-C reaches this script
 * only, which passes it on once (tsx would otherwise get it twice, and force
 * the server down instead of letting it drain).
 */
function start(args: readonly string[], onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    // V8's compiled code of every module loaded (ours as tsx hands them over, and the libraries') is kept on
    // disk between reloads, as npm start keeps it in .build/; the cache checks each source, so it is never stale.
    env: { ...process.env, NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? path.join(root, "node_modules/.cache/dev-compile-cache") },
    detached: true,
    stdio: ["ignore", onLine ? "pipe" : "inherit", "inherit"],
  });
  children.add(child);
  if (onLine && child.stdout) createInterface({ input: child.stdout }).on("line", onLine);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`dev: ${path.basename(String(args[0]))} ${signal ? `stopped by ${signal}` : `exited with ${code}`}; stopping`);
      stop("SIGTERM", code ?? 1);
    }
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
  return child;
}

function stop(signal: NodeJS.Signals, exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  for (const child of children) child.kill(signal);
  if (children.size === 0) process.exit(exitCode);
}

process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
// Never leave a child behind (they are detached).
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

let serverStarted = false;
start([path.join(root, "codegen/bin/generate.mjs"), "--watch", ...(values.scaffold ? ["--scaffold"] : [])], (line) => {
  console.log(`[generate] ${line}`);
  // The watcher is up once the first run is over (written, or refused): the server starts on what generated/ holds.
  if (!serverStarted && line.startsWith("watch: ") && line.endsWith(WATCH_READY)) {
    serverStarted = true;
    start([path.join(root, "node_modules/tsx/dist/cli.mjs"), "watch", "--clear-screen=false", "src/main.ts"]);
  }
});
