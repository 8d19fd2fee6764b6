/**
 * How long the server takes to answer, checked against issue #15's start
 * targets: from spawning `npm start`'s command to the first 200 on /healthz,
 *
 * - on the embedded database (PGlite) and on PostgreSQL, each first on an
 *   empty database (migrations and the demo seed included; target ≤ 10 s)
 *   and then warm (target ≤ 3 s);
 * - `npm run dev`'s reload: from saving a file the server imports to the
 *   restarted server's first 200 (target ≤ 2 s), on the pinned Node only;
 *
 * for each Node binary given, interleaved so machine noise hits all alike.
 *
 *   npm run bench:start [-- --rounds 3] [--node /usr/bin/node] [--node node_modules/.bin/node] [--no-postgres]
 *
 * Default binaries: the system's `node` on PATH outside npm (usually older)
 * and the project's pinned Node (node_modules/.bin/node). PostgreSQL:
 * BENCH_DATABASE_URL or DATABASE_URL (default the machine's
 * postgres://postgres@127.0.0.1:5432/postgres), a throwaway database per
 * round. Prints one line per start, the medians and the targets with
 * PASS/FAIL (exit 1 on a FAIL).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { TargetTable } from "./bench/targets.js";
import { freePort } from "./support/free-port.js";
import { buildServerIfStale, SERVER_ARGS } from "./support/server-command.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    node: { type: "string", multiple: true },
    "no-postgres": { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const root = path.resolve(import.meta.dirname, "..");
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
const pinnedNode = path.join(root, "node_modules/.bin/node");
const binaries = values.node ?? [systemNode(), pinnedNode];
const postgresServer = values["no-postgres"]
  ? undefined
  : (process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");

/** The first `node` on PATH that is not the project's pinned one (npm puts node_modules/.bin first). */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir.includes("node_modules")) continue;
    const candidate = path.join(dir, "node");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("no node on PATH outside node_modules: name the binaries with --node");
}

function versionOf(binary: string): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

/** Where a start runs: the embedded database in `dataDir`, or PostgreSQL at `databaseUrl`. */
type Database = { readonly dataDir: string } | { readonly databaseUrl: string };

/** Milliseconds from spawn to the first 200 on /healthz; the server is stopped afterwards. */
async function timeStart(binary: string, database: Database): Promise<number> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: "silent", NODE_ENV: "development" };
  delete env.DATABASE_URL;
  if ("dataDir" in database) env.DATA_DIR = database.dataDir;
  else env.DATABASE_URL = database.databaseUrl;
  const started = performance.now();
  const child = spawn(binary, SERVER_ARGS, { cwd: root, env, stdio: "ignore" });
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, 120_000);
    return performance.now() - started;
  } finally {
    await stopChild(child);
  }
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresServer });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** First and warm start on a throwaway PostgreSQL database. */
async function timePostgres(binary: string): Promise<{ first: number; warm: number }> {
  const name = `bench_start_${process.pid}_${Date.now()}`;
  await onServer(`create database ${name}`);
  try {
    const databaseUrl = Object.assign(new URL(postgresServer!), { pathname: `/${name}` }).toString();
    return { first: await timeStart(binary, { databaseUrl }), warm: await timeStart(binary, { databaseUrl }) };
  } finally {
    await onServer(`drop database if exists ${name} with (force)`);
  }
}

/**
 * `npm run dev` on a warm embedded database: waits for the first 200, then
 * re-saves a handler file (same content, new mtime, as an editor does) and
 * times until the restarted server answers. The restart is recognised by the
 * server's start-up banner appearing again on dev's output.
 */
async function timeDevReload(dataDir: string): Promise<number> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, NODE_ENV: "development" };
  delete env.DATABASE_URL;
  const child = spawn(pinnedNode, [tsxCli, "scripts/dev.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let banners = 0;
  const onOutput = (chunk: Buffer) => {
    banners += chunk.toString().split("Commerce API on").length - 1;
  };
  child.stdout!.on("data", onOutput);
  child.stderr!.on("data", onOutput);
  const health = `http://127.0.0.1:${port}/healthz`;
  try {
    await waitForHealth(health, child, 120_000);
    // Let the watcher settle, as a developer's first edit comes a while after start.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = banners;
    const file = path.join(root, "src/handlers/products-handlers.ts");
    const saved = performance.now();
    writeFileSync(file, readFileSync(file));
    const deadline = Date.now() + 60_000;
    while (banners === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (banners === before) throw new Error("dev did not restart the server within 60 s of the save");
    await waitForHealth(health, child, 60_000);
    return performance.now() - saved;
  } finally {
    // dev runs its children in their own process groups and stops them on SIGTERM.
    await stopChild(child);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Samples {
  pgliteFirst: number[];
  pgliteWarm: number[];
  postgresFirst: number[];
  postgresWarm: number[];
}

const results = new Map<string, Samples>(
  binaries.map((binary) => [binary, { pgliteFirst: [], pgliteWarm: [], postgresFirst: [], postgresWarm: [] }]),
);
const reloads: number[] = [];
const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
// `npm start` compiles once after a change (see scripts/start.mjs); the starts timed here run the current build.
buildServerIfStale(pinnedNode);
for (let round = 1; round <= rounds; round += 1) {
  for (const binary of binaries) {
    const samples = results.get(binary)!;
    const dataDir = mkdtempSync(path.join(tmpdir(), "bench-start-"));
    try {
      samples.pgliteFirst.push(await timeStart(binary, { dataDir }));
      samples.pgliteWarm.push(await timeStart(binary, { dataDir }));
      let line = `round ${round} ${versionOf(binary).padEnd(9)} PGlite first ${ms(samples.pgliteFirst.at(-1)!)}  warm ${ms(samples.pgliteWarm.at(-1)!)}`;
      if (postgresServer) {
        const { first, warm } = await timePostgres(binary);
        samples.postgresFirst.push(first);
        samples.postgresWarm.push(warm);
        line += `   PostgreSQL first ${ms(first)}  warm ${ms(warm)}`;
      }
      if (binary === pinnedNode) {
        reloads.push(await timeDevReload(dataDir));
        line += `   dev reload ${ms(reloads.at(-1)!)}`;
      }
      console.log(line);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

const targets = new TargetTable();
console.log("\nmedians (spawn → 200 on /healthz):");
for (const [binary, samples] of results) {
  const version = versionOf(binary);
  console.log(
    `  ${version.padEnd(9)} PGlite first ${ms(median(samples.pgliteFirst))}  warm ${ms(median(samples.pgliteWarm))}` +
      (postgresServer ? `   PostgreSQL first ${ms(median(samples.postgresFirst))}  warm ${ms(median(samples.postgresWarm))}` : "") +
      `   (${binary})`,
  );
  targets.atMost(`4. first start, PGlite, Node ${version}`, median(samples.pgliteFirst), 10_000, "ms");
  targets.atMost(`4. warm start, PGlite, Node ${version}`, median(samples.pgliteWarm), 3_000, "ms");
  if (postgresServer) {
    targets.atMost(`4. first start, PostgreSQL, Node ${version}`, median(samples.postgresFirst), 10_000, "ms");
    targets.atMost(`4. warm start, PostgreSQL, Node ${version}`, median(samples.postgresWarm), 3_000, "ms");
  }
}
if (reloads.length > 0) targets.atMost(`4. npm run dev reload (save → 200), Node ${versionOf(pinnedNode)}`, median(reloads), 2_000, "ms");
targets.print(`Targets (issue #15), medians of ${rounds}`);
if (!targets.allPass) process.exitCode = 1;
