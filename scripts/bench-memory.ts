/**
 * `npm run bench:memory [-- --connections 50 --duration 60 --rounds 3 --pool 10
 *   --path list|get --variant=<node flags> --variant=<node flags> … --baseline-root <dir> --probe --trace-gc]`
 *
 * Issue #15 target 4 (the API's RSS after 60 s of listProducts at 50
 * connections ≤ 250 MB) on its own, A/B: each `--variant` is a set of extra
 * Node flags put before scripts/start.mjs, written `--variant=…` since
 * they start with a dash (`--variant=` or none at all is `npm start` as
 * shipped). `--baseline-root` runs each variant also from another checkout
 * of the project (e.g. `git archive <commit> | tar -x -C <dir>`, with a
 * `node_modules` link; its `.build/` is built at its first start), to compare
 * a code change. Every round starts a fresh server per variant, in turn (A, B, A,
 * B, …, so all see the same shared machine), loads it `duration` seconds and
 * reads its VmRSS from /proc before stopping it. Printed: per round and as
 * medians, RSS at the end, peak RSS, req/s, p50/p99; with `--probe` also V8's
 * heap (used/total) at the end, with `--trace-gc` how many scavenges and
 * mark-compacts ran and the old generation's size before each mark-compact.
 *
 * Needs PostgreSQL like bench:api (BENCH_DATABASE_URL or DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres); a throwaway database is
 * created and dropped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { benchDatabase } from "./bench/bench-database.js";
import { freePort } from "./support/free-port.js";
import { buildServerIfStale, SERVER_ARGS, SERVER_NODE_FLAGS } from "./support/server-command.js";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "60" },
    rounds: { type: "string", default: "3" },
    pool: { type: "string", default: "10" },
    path: { type: "string", default: "list" },
    variant: { type: "string", multiple: true },
    "baseline-root": { type: "string" },
    probe: { type: "boolean", default: false },
    "trace-gc": { type: "boolean", default: false },
    node: { type: "string", default: process.execPath },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    "npm run bench:memory -- [--connections 50] [--duration 60] [--rounds 3] [--pool 10] [--path list|get] [--variant=<node flags>]… [--baseline-root <dir>] [--probe] [--trace-gc] [--node <binary>]",
  );
  process.exit(0);
}
const connections = Number(values.connections);
const duration = Number(values.duration);
const rounds = Number(values.rounds);
/** What runs: this checkout, and the baseline checkout when given, each with every set of flags. */
interface Variant {
  readonly label: string;
  readonly root: string;
  readonly flags: string;
}
const baselineRoot = values["baseline-root"] ? path.resolve(values["baseline-root"]) : undefined;
const variants: Variant[] = (values.variant?.length ? values.variant : [""]).flatMap((flags) => [
  ...(baselineRoot ? [{ label: `baseline${flags ? ` ${flags}` : ""}`, root: baselineRoot, flags }] : []),
  { label: `${baselineRoot ? "this checkout" : "as shipped"}${flags ? ` ${flags}` : ""}`, root, flags },
]);
const { name: databaseName, url: databaseUrl, admin } = benchDatabase();

function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the server wrote, stdout and stderr. */
  output(): string;
}

async function startServer({ root: serverRoot, flags }: Variant): Promise<Server> {
  const port = await freePort();
  const extra = flags.split(/\s+/).filter(Boolean);
  if (values.probe) extra.push("--import", path.join(root, "scripts/bench/memory-probe.mjs"));
  if (values["trace-gc"]) extra.push("--trace-gc");
  // npm start's flags first, so a variant's own come later and win; another checkout runs its own start.mjs.
  const script = serverRoot === root ? SERVER_ARGS.at(-1)! : path.join(serverRoot, "scripts/start.mjs");
  const child = spawn(values.node, [...SERVER_NODE_FLAGS, ...extra, script], {
    cwd: serverRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      NODE_ENV: "development",
      DATABASE_POOL_SIZE: values.pool,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Commerce API on")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server (${flags || "no flags"}) exited with ${code}:\n${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}

interface RoundResult {
  rss: number;
  peakRss: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
  heapUsed?: number;
  heapTotal?: number;
  scavenges?: number;
  markCompacts?: number;
  /** Heap size (MB) before each mark-compact, as --trace-gc prints it. */
  heapBeforeMarkCompact?: number[];
}

/** The first server start seeds the database and prints the key; later starts find it seeded. */
let apiKey: string | undefined;

async function round(variant: Variant): Promise<RoundResult> {
  const server = await startServer(variant);
  apiKey ??= /storefront API key: (\S+)/.exec(server.output())?.[1];
  if (!apiKey) throw new Error("no storefront API key in the first server's output");
  let productPath = "/v1/products?limit=20";
  if (values.path === "get") {
    const response = await fetch(`${server.url}/v1/products?limit=1`, { headers: { "x-api-key": apiKey } });
    const { data } = (await response.json()) as { data: { id: string }[] };
    productPath = `/v1/products/${data[0]!.id}`;
  }
  const pid = server.child.pid!;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, residentMegabytes(pid));
  }, 500);
  const offset = server.output().length;
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${server.url}${productPath}`, headers: { "x-api-key": apiKey! }, connections, duration },
      (error, outcome) => (error ? reject(error) : resolve(outcome)),
    );
    instance.on("response", (_client: unknown, _status: number, _bytes: number, time: number) => latencies.push(time));
  });
  clearInterval(sampler);
  const rss = residentMegabytes(pid);
  peakRss = Math.max(peakRss, rss);
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) => latencies[Math.min(latencies.length - 1, Math.ceil(fraction * latencies.length) - 1)] ?? Number.NaN;
  const out: RoundResult = {
    rss,
    peakRss,
    requestsPerSecond: latencies.length / result.duration,
    p50: at(0.5),
    p99: at(0.99),
    failures: result.non2xx + result.errors + result.timeouts,
  };
  if (values.probe) {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const lines = [...server.output().matchAll(/^memory-probe (.*)$/gm)];
    const last = JSON.parse(lines.at(-1)![1]!) as { heapUsed: number; heapTotal: number };
    out.heapUsed = last.heapUsed;
    out.heapTotal = last.heapTotal;
  }
  if (values["trace-gc"]) {
    const during = server.output().slice(offset);
    out.scavenges = (during.match(/: Scavenge/g) ?? []).length;
    const markCompacts = [...during.matchAll(/: Mark-Compact ([\d.]+) \(/g)];
    out.markCompacts = markCompacts.length;
    out.heapBeforeMarkCompact = markCompacts.map((match) => Number(match[1]));
  }
  await stopServer(server);
  return out;
}

function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  buildServerIfStale(values.node);
  await admin(`create database ${databaseName}`);
  const results = new Map<string, RoundResult[]>(variants.map((variant) => [variant.label, []]));
  for (let index = 0; index < rounds; index++) {
    for (const variant of variants) {
      const result = await round(variant);
      results.get(variant.label)!.push(result);
      const extra = [
        result.heapUsed === undefined ? "" : ` heap used/total ${result.heapUsed}/${result.heapTotal} MB`,
        result.scavenges === undefined
          ? ""
          : ` scavenges ${result.scavenges}, mark-compacts ${result.markCompacts} (heap before each: ${result.heapBeforeMarkCompact!.map((n) => n.toFixed(0)).join(", ")} MB)`,
      ].join("");
      console.log(
        `round ${index + 1} [${variant.label}]: RSS ${result.rss.toFixed(0)} MB (peak ${result.peakRss.toFixed(0)}), ` +
          `${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, failed ${result.failures}${extra}`,
      );
    }
  }
  console.log(
    `\n${values.path} at ${connections} connections, ${duration} s per run, ${rounds} rounds interleaved, pool ${values.pool}; medians:\n`,
  );
  console.log("| variant | RSS at end | peak RSS | req/s | p50 | p99 | failed |");
  console.log("|---|---|---|---|---|---|---|");
  for (const [label, list] of results) {
    const of = (pick: (result: RoundResult) => number) => median(list.map(pick));
    console.log(
      `| ${label} | ${of((r) => r.rss).toFixed(0)} MB | ${of((r) => r.peakRss).toFixed(0)} MB | ${of((r) => r.requestsPerSecond).toFixed(0)} | ` +
        `${of((r) => r.p50).toFixed(1)} ms | ${of((r) => r.p99).toFixed(1)} ms | ${list.reduce((sum, r) => sum + r.failures, 0)} |`,
    );
  }
  const worst = Math.max(...[...results.values()].map((list) => median(list.map((r) => r.rss))));
  console.log(
    `\ntarget 4 (RSS ≤ 250 MB): ${worst <= 250 ? "PASS" : "FAIL"} for ${worst <= 250 ? "every variant" : "at least one variant"}`,
  );
}

try {
  await main();
} finally {
  await admin(`drop database if exists ${databaseName} with (force)`).catch((error: unknown) =>
    console.error(`could not drop ${databaseName}: ${String(error)}`),
  );
}
