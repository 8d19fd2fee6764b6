/**
 * `npm run dev [-- --scaffold]`: the API team's loop. Two processes side by side:
 *
 * - the generator in watch mode (`npm run generate -- --watch`): a save of
 *   openapi/commerce.yaml (or a file it `$ref`s) regenerates `generated/`;
 *   a spec with errors prints them and writes nothing;
 * - the server as `npm start` runs it (compiled to `.build/`, see
 *   build.mjs), started once the first generation is done and restarted when
 *   a file under src/ or generated/ changes: a new `generated/` or an edited
 *   handler reloads it. A spec error writes nothing, so the server keeps
 *   running the last good contract; a compile error prints and waits for the
 *   next save.
 *
 * A reload compiles while the old server stops, and the new one starts with
 * V8's compiled code of every module kept between reloads (a compile cache
 * outside `.build/`, which each build replaces): save → 200 in 1.79 s where
 * `tsx watch` took 2.65 s (`npm run bench:start` medians, quiet machine, issue #15).
 *
 * `--scaffold` also adds a 501 stub for every new operation without a handler
 * (`generate --scaffold`), so a new route answers `not_implemented` at once.
 * Ctrl-C stops both (the server drains as on SIGINT in production).
 */

import { type ChildProcess, spawn } from "node:child_process";
import { watch } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WATCH_READY } from "../codegen/watch.js";
// @ts-expect-error build.mjs is plain JavaScript without type declarations (it must run before anything is compiled).
import { ensureBuilt } from "./build.mjs";
import { SERVER_ARGS } from "./support/server-command.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { scaffold: { type: "boolean", default: false } }, strict: true });

const children = new Set<ChildProcess>();
let stopping = false;

/**
 * Children run in their own process group: a Ctrl-C reaches this script
 * only, which passes it on once (the server would otherwise get it twice and
 * be forced down instead of draining).
 */
function start(args: readonly string[], onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
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

/** Compiles `.build/` when stale; a compile error is printed, not thrown (the next save tries again). */
async function compiled(): Promise<boolean> {
  try {
    await ensureBuilt();
    return true;
  } catch (error) {
    console.error(
      `dev: could not compile the server: ${error instanceof Error ? error.message : String(error)}; waiting for the next save`,
    );
    return false;
  }
}

let server: ChildProcess | undefined;
let reloading: Promise<void> | undefined;
let reloadAgain = false;

/** Where V8's compiled code of the server's modules is kept between reloads (the cache checks each source, so it is never stale). */
const COMPILE_CACHE = path.join(root, "node_modules/.cache/dev-compile-cache");

function startServer(): void {
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: root,
    env: { ...process.env, NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE },
    detached: true,
    stdio: "inherit",
  });
  server = child;
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (server === child) server = undefined;
    // A crash (or a start-up failure) waits for the next save, as tsx watch did.
    if (!stopping && !reloading)
      console.error(`dev: the server ${signal ? `stopped by ${signal}` : `exited with ${code}`}; waiting for a save`);
    if (stopping && children.size === 0) process.exit(process.exitCode ?? 0);
  });
}

function stopServer(): Promise<void> {
  const child = server;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Stops the server and compiles at the same time, then starts it again; saves meanwhile make one more reload. */
function reload(): void {
  if (reloading) {
    reloadAgain = true;
    return;
  }
  reloading = (async () => {
    const [ok] = await Promise.all([compiled(), stopServer()]);
    if (ok && !stopping) startServer();
  })().finally(() => {
    reloading = undefined;
    if (reloadAgain && !stopping) {
      reloadAgain = false;
      reload();
    }
  });
}

/** Every change under the server's sources, settled for 50 ms (a generation writes many files at once). */
function watchSources(onChange: () => void): void {
  let timer: NodeJS.Timeout | undefined;
  for (const dir of ["src", "generated"]) {
    watch(path.join(root, dir), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, 50);
    });
  }
}

let serverStarted = false;
start([path.join(root, "codegen/bin/generate.mjs"), "--watch", ...(values.scaffold ? ["--scaffold"] : [])], (line) => {
  console.log(`[generate] ${line}`);
  // The watcher is up once the first run is over (written, or refused): the server starts on what generated/ holds.
  if (!serverStarted && line.startsWith("watch: ") && line.endsWith(WATCH_READY)) {
    serverStarted = true;
    watchSources(reload);
    void compiled().then((ok) => {
      if (ok && !stopping) startServer();
    });
  }
});
