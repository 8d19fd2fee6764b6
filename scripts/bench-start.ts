/**
 * How long `npm start` takes to answer: the time from spawning the server to
 * the first 200 on /healthz, on a fresh embedded database (first start:
 * migrations and the demo seed included) and then warm, for each Node binary
 * given, interleaved so machine noise hits both alike.
 *
 *   npx tsx scripts/bench-start.ts [--rounds 3] [--node /usr/bin/node] [--node node_modules/.bin/node]
 *
 * Default: the system's `node` on PATH outside npm (usually older) and the
 * project's pinned Node (node_modules/.bin/node). Prints one line per start
 * and the medians.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "./support/free-port.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" }, node: { type: "string", multiple: true } } });
const rounds = Number(values.rounds);
const root = path.resolve(import.meta.dirname, "..");
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
const binaries = values.node ?? [systemNode(), path.join(root, "node_modules/.bin/node")];

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
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms`);
}

/** Milliseconds from spawn to the first 200 on /healthz; the server is stopped afterwards. */
async function timeStart(binary: string, dataDir: string): Promise<number> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "silent", NODE_ENV: "development" };
  delete env.DATABASE_URL; // the embedded database, as `npm start` on a fresh machine
  const started = performance.now();
  const child = spawn(binary, [tsxCli, "src/main.ts"], { cwd: root, env, stdio: "ignore" });
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, 120_000);
    return performance.now() - started;
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const results = new Map<string, { first: number[]; warm: number[] }>(binaries.map((binary) => [binary, { first: [], warm: [] }]));
for (let round = 1; round <= rounds; round += 1) {
  for (const binary of binaries) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "bench-start-"));
    try {
      const first = await timeStart(binary, dataDir);
      const warm = await timeStart(binary, dataDir);
      results.get(binary)?.first.push(first);
      results.get(binary)?.warm.push(warm);
      console.log(
        `round ${round} ${versionOf(binary).padEnd(9)} first ${first.toFixed(0).padStart(6)} ms   warm ${warm.toFixed(0).padStart(6)} ms`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
console.log("\nmedians (spawn → 200 on /healthz, embedded PGlite):");
for (const [binary, { first, warm }] of results) {
  console.log(
    `  ${versionOf(binary).padEnd(9)} first start ${median(first).toFixed(0).padStart(6)} ms   warm ${median(warm).toFixed(0).padStart(6)} ms   (${binary})`,
  );
}
