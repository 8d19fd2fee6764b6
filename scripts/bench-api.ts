/**
 * `npm run bench:api [-- --connections 50 --duration 20 --pool 10 --baseline --sql-cost --node <binary> --only reads,flow,open-loop,agents,execute,memory]`
 * (`--help` prints this usage)
 *
 * autocannon against the API running on PostgreSQL, beside its reference:
 * bare Express 5 + pg running the same SQL and answering the same JSON
 * (bench/express-floor-server.ts: no auth, validation, query builder or
 * logging). Each pair runs in alternating slices (see bench/interleaved.ts),
 * `duration` seconds per side. It checks issue #15's targets and prints them
 * last with PASS/FAIL:
 *
 *   1. API-key listProducts and getProduct ≥ 85% of the floor's req/s, the
 *      order flow (create cart → add item → place order) ≥ 75%, closed loop
 *      at `connections`;
 *   2. open loop at 50% of the floor's measured maximum: p50 ≤ 5 ms and
 *      p99 ≤ 20 ms for list and get (histogram printed);
 *   3. protocol-client execute (token addressed to the execute URL) p50
 *      ≤ 1.5× a direct /v1 call's;
 *   4. the RSS of a freshly started API after 60 s of listProducts at
 *      `connections` ≤ 250 MB (its own server: the one measured above has
 *      run every other load for minutes by then).
 *
 * Also printed: the agent cases beside the API-key list (agent JWT per
 * request; `capability/execute`). `--baseline` adds a bare `node:http` + pg
 * server beside the floor and the API (what the framework alone costs);
 * `--sql-cost` what one authenticated call costs in SQL, per kind of caller.
 * `--only` runs some parts (comma-separated; default all): `reads` and `flow`
 * (target 1), `open-loop` (target 2, after `reads`, whose floor rate it
 * needs: alone it measures the floor first), `agents`, `execute` (target 3),
 * `memory` (target 4). `--node` runs the servers on another Node binary
 * (default: the one running the bench).
 *
 * Needs a PostgreSQL server: BENCH_DATABASE_URL or DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres); a throwaway database is
 * created on it and dropped at the end. The API logs at `warn` (no
 * per-request log lines), as the references log nothing.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon, { type Options } from "autocannon";
import pg from "pg";
import { type AgentJwtSigner, createAgentJwtSigner } from "./bench/agent-jwt.js";
import { approvedDemoAgent } from "./bench/approved-agent.js";
import { benchDatabase } from "./bench/bench-database.js";
import { interleaved, type SideStats } from "./bench/interleaved.js";
import { openLoop, printHistogram } from "./bench/open-loop.js";
import { TargetTable } from "./bench/targets.js";
import { freePort } from "./support/free-port.js";
import { SERVER_ARGS } from "./support/server-command.js";

const root = path.resolve(import.meta.dirname, "..");
/** What `--only` can pick. */
const PARTS = ["reads", "flow", "open-loop", "agents", "execute", "memory"] as const;
type Part = (typeof PARTS)[number];
const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "20" },
    pool: { type: "string", default: "10" },
    baseline: { type: "boolean", default: false },
    "sql-cost": { type: "boolean", default: false },
    node: { type: "string", default: process.execPath },
    only: { type: "string", default: PARTS.join(",") },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    `npm run bench:api -- [--connections 50] [--duration 20] [--pool 10] [--baseline] [--sql-cost] [--node <binary>] [--only ${PARTS.join(",")}]`,
  );
  process.exit(0);
}
const parts = new Set(values.only.split(",").map((part) => part.trim()));
for (const part of parts) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only: ${PARTS.join(", ")}; not ${part}`);
const runs = (part: Part) => parts.has(part);
const connections = Number(values.connections);
const duration = Number(values.duration);
const { name: databaseName, url: databaseUrl, admin } = benchDatabase();
const children: ChildProcess[] = [];
/** Each pair alternates this many times (A, B, A, B, …). */
const SLICES = 4;

/** Starts a child process and resolves with its output once `ready` appears in it. */
function start(args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<string> {
  const child = spawn(values.node, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(ready)) resolve(output);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`)));
  });
}

/** What one connection remembers between the steps of the order flow. */
interface FlowContext {
  cartId?: string;
}

/** createCart → addCartItem → placeOrder, each step using the cart the first created. */
function orderFlow(productId: string, headers: Record<string, string>): Options["requests"] {
  const json = { ...headers, "content-type": "application/json" };
  return [
    {
      method: "POST",
      path: "/v1/carts",
      headers: json,
      body: JSON.stringify({ currency: "EUR" }),
      onResponse: (_status, body, context) => {
        (context as FlowContext).cartId = (JSON.parse(body) as { id: string }).id;
      },
    },
    {
      method: "POST",
      setupRequest: (request, context) => ({ ...request, path: `/v1/carts/${(context as FlowContext).cartId}/items` }),
      headers: json,
      body: JSON.stringify({ product_id: productId, quantity: 1 }),
    },
    {
      method: "POST",
      path: "/v1/orders",
      setupRequest: (request, context) => ({
        ...request,
        headers: { ...json, "idempotency-key": `bench-${(context as FlowContext).cartId}` },
        body: JSON.stringify({ cart_id: (context as FlowContext).cartId }),
      }),
    },
  ];
}

/** One request shape, each sent with a new agent JWT. */
function withAgentJwt(signer: AgentJwtSigner, request: { method: "GET" | "POST"; path: string; body?: string }): Options["requests"] {
  return [
    {
      ...request,
      setupRequest: (built) => ({
        ...built,
        headers: {
          ...built.headers,
          authorization: `Bearer ${signer.next()}`,
          ...(request.body ? { "content-type": "application/json" } : {}),
        },
      }),
    },
  ];
}

interface Comparison {
  readonly name: string;
  readonly result: SideStats;
  readonly reference: SideStats;
}

function printTable(title: string, versus: string, rows: readonly Comparison[]): void {
  console.log(`\n${title}\n`);
  console.log(`| case | req/s | p50 | p99 | ${versus} req/s | ${versus} p50 | ${versus} p99 | ratio | failed |`);
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const { result, reference } = row;
    console.log(
      `| ${row.name} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50} ms | ${result.p99} ms | ` +
        `${reference.requestsPerSecond.toFixed(0)} | ${reference.p50} ms | ${reference.p99} ms | ` +
        `${((100 * result.requestsPerSecond) / reference.requestsPerSecond).toFixed(0)}% | ${result.failures} |`,
    );
  }
}

/** Runs `subject` and `reference` interleaved, `duration` seconds each. */
async function compare(name: string, subject: Options, reference: Options): Promise<Comparison> {
  const { a, b } = await interleaved({ connections, ...subject }, { connections, ...reference }, duration, SLICES);
  return { name, result: a, reference: b };
}

/**
 * "protocol-client execute" vs "direct /v1", one operation (getProduct):
 * what a protocol client pays for going through the protocol's endpoint.
 */
async function compareProtocolExecute(api: string, productId: string): Promise<number> {
  const agent = await approvedDemoAgent(api);
  const executeSigner = createAgentJwtSigner(agent.privateJwk, agent.agentId, `${api}/api/auth/capability/execute`);
  const directSigner = createAgentJwtSigner(agent.privateJwk, agent.agentId, `${api}/v1`);
  const execute: Options = {
    url: api,
    requests: withAgentJwt(executeSigner, {
      method: "POST",
      path: "/api/auth/capability/execute",
      body: JSON.stringify({ capability: "getProduct", arguments: { product_id: productId } }),
    }),
  };
  const direct: Options = { url: api, requests: withAgentJwt(directSigner, { method: "GET", path: `/v1/products/${productId}` }) };
  const row = await compare("protocol-client execute getProduct (aud = execute URL) vs direct /v1 getProduct (aud = /v1)", execute, direct);
  // Timing refusals would flatter either side: a failed call is a wrong call, not a fast one.
  if (row.result.failures + row.reference.failures > 0)
    throw new Error(`protocol execute bench: ${row.result.failures} failed execute calls, ${row.reference.failures} failed direct calls`);
  printTable("Protocol-client execute vs direct /v1 (target: execute p50 ≤ 1.5× direct p50)", "direct", [row]);
  const ratio = row.result.p50 / row.reference.p50;
  console.log(`p50 ratio execute / direct: ${ratio.toFixed(2)}×, p99 ratio: ${(row.result.p99 / row.reference.p99).toFixed(2)}×`);
  return ratio;
}

/** Reads a process's resident set size from /proc (Linux), in MB. */
function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kilobytes = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kilobytes / 1024;
}

/** The SQL statistics of one authenticated read, per kind of caller (`--sql-cost`). */
async function printSqlCost(db: pg.Client, callers: readonly (readonly [label: string, call: () => Promise<unknown>])[]): Promise<void> {
  // PostgreSQL 15 publishes an idle backend's counters within 10 s (PGSTAT_IDLE_INTERVAL), hence the waits.
  const stats = async () =>
    (
      await db.query(
        "select xact_commit, tup_fetched, tup_inserted, tup_updated, tup_deleted from pg_stat_database where datname = current_database()",
      )
    ).rows[0] as Record<string, string>;
  console.log("");
  for (const [label, run] of callers) {
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const before = await stats();
    for (let count = 0; count < 200; count++) await run();
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const after = await stats();
    const per = (column: string) => ((Number(after[column]) - Number(before[column])) / 200).toFixed(2);
    console.log(
      `per ${label}: ${per("xact_commit")} transactions, ${per("tup_updated")} rows updated, ${per("tup_inserted")} inserted, ${per("tup_fetched")} rows fetched`,
    );
  }
}

function startReference(script: string, ready: string, organizationId: string): Promise<string> {
  return freePort().then(async (port) => {
    await start(
      ["--import", "tsx", script],
      { DATABASE_URL: databaseUrl, PORT: String(port), ORGANIZATION_ID: organizationId, POOL_SIZE: values.pool },
      ready,
    );
    return `http://127.0.0.1:${port}`;
  });
}

/** Starts the API (`npm start`'s server) on the bench database; its URL, process id and start-up output. */
async function startApi(): Promise<{ url: string; pid: number; output: string }> {
  const port = await freePort();
  const output = await start(
    [...SERVER_ARGS],
    // The origin we call it at, so Better Auth's Origin checks (sign-in, approval) accept our requests.
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      NODE_ENV: "development",
      DATABASE_POOL_SIZE: values.pool,
    },
    "Commerce API on",
  );
  return { url: `http://127.0.0.1:${port}`, pid: children.at(-1)!.pid!, output };
}

/** Target 4: a new API process, a minute of the list at full load, then its resident set. */
async function measureMemory(auth: Record<string, string>, path: string): Promise<number> {
  const fresh = await startApi();
  await new Promise<void>((resolve, reject) =>
    autocannon({ url: `${fresh.url}${path}`, headers: auth, connections, duration: 60 }, (error) => (error ? reject(error) : resolve())),
  );
  const megabytes = residentMegabytes(fresh.pid);
  console.log(`\nA fresh API after 60 s of GET ${path} at ${connections} connections: RSS ${megabytes.toFixed(0)} MB`);
  return megabytes;
}

async function main(): Promise<void> {
  await admin(`create database ${databaseName}`);
  const { url: api, output: apiOutput } = await startApi();
  const apiKey = /storefront API key: (\S+)/.exec(apiOutput)![1]!;
  const serverNode = execFileSync(values.node, ["--version"], { encoding: "utf8" }).trim();
  const setting = `${connections} connections, ${duration} s per side in ${SLICES} alternating slices, pool ${values.pool}, PostgreSQL, servers on Node ${serverNode}, ${process.platform} ${process.arch}`;

  const db = new pg.Client({ connectionString: databaseUrl });
  // Dropping the database at the end ends this connection too; that is not an error worth a crash.
  db.on("error", () => {});
  await db.connect();
  // Enough stock that the order flow never runs out during the bench.
  await db.query("update products set inventory = 1000000000");
  const { rows } = await db.query<{ organization_id: string; id: string }>(
    "select organization_id, id from products order by created_at desc limit 1",
  );
  const { organization_id: organizationId, id: productId } = rows[0]!;
  const targets = new TargetTable();
  const auth = { "x-api-key": apiKey };
  const paths = { list: "/v1/products?limit=20", get: `/v1/products/${productId}` };
  const cases = [
    { name: `GET ${paths.list}`, path: paths.list, operation: "listProducts" },
    { name: "GET /v1/products/{id}", path: paths.get, operation: "getProduct" },
  ];
  const floor =
    runs("reads") || runs("flow") || runs("open-loop") || values.baseline
      ? await startReference("scripts/bench/express-floor-server.ts", "express floor listening", organizationId)
      : undefined;

  const closedLoop: Comparison[] = [];
  const readRows = new Map<string, Comparison>();
  if (floor && (runs("reads") || runs("open-loop"))) {
    for (const item of cases) {
      const row = await compare(item.name, { url: `${api}${item.path}`, headers: auth }, { url: `${floor}${item.path}` });
      readRows.set(item.operation, row);
      if (runs("reads")) {
        closedLoop.push(row);
        targets.atLeastShare(
          `1. ${item.operation} req/s, share of the floor's`,
          row.result.requestsPerSecond / row.reference.requestsPerSecond,
          0.85,
        );
      }
    }
  }
  if (floor && runs("flow")) {
    const row = await compare(
      "order flow (3 requests)",
      { url: api, requests: orderFlow(productId, auth) },
      { url: floor, requests: orderFlow(productId, {}) },
    );
    closedLoop.push(row);
    targets.atLeastShare("1. order flow req/s, share of the floor's", row.result.requestsPerSecond / row.reference.requestsPerSecond, 0.75);
  }
  if (closedLoop.length > 0) {
    console.log(`\n${setting}`);
    printTable("API (API key) vs bare Express 5 + pg, closed loop (targets: reads ≥ 85%, order flow ≥ 75%)", "floor", closedLoop);
  }

  // Open loop at half of what the floor managed closed loop: a busy but unsaturated server.
  if (runs("open-loop")) {
    for (const item of cases) {
      const rate = Math.round(readRows.get(item.operation)!.reference.requestsPerSecond / 2);
      const result = await openLoop({ url: `${api}${item.path}`, headers: auth, connections }, rate, duration);
      printHistogram(`Open loop, API ${item.name} at 50% of the floor's maximum (${rate} req/s)`, result);
      // The floor at the same rate: what this machine allows at all (load generator, server and PostgreSQL share its cores).
      const reference = await openLoop({ url: `${floor}${item.path}`, connections }, rate, duration);
      printHistogram(`Open loop, the floor's ${item.name} at the same rate (reference, not a target)`, reference);
      targets.atMost(`2. ${item.operation} p50, open loop at ${rate} req/s`, result.p50, 5, "ms");
      targets.atMost(`2. ${item.operation} p99, open loop at ${rate} req/s`, result.p99, 20, "ms");
      if (result.failures > 0) throw new Error(`open loop ${item.name}: ${result.failures} failed requests`);
    }
  }

  if (floor && values.baseline) {
    const baseline = await startReference("scripts/bench/baseline-server.ts", "baseline listening", organizationId);
    printTable("Bare node:http + pg (the baseline) beside the floor and the API", "baseline", [
      await compare(`Express floor vs baseline, GET ${paths.list}`, { url: `${floor}${paths.list}` }, { url: `${baseline}${paths.list}` }),
      await compare(
        "Express floor vs baseline, GET /v1/products/{id}",
        { url: `${floor}${paths.get}` },
        { url: `${baseline}${paths.get}` },
      ),
      await compare(
        `API vs baseline, GET ${paths.list}`,
        { url: `${api}${paths.list}`, headers: auth },
        { url: `${baseline}${paths.list}` },
      ),
      await compare(
        "API vs baseline, GET /v1/products/{id}",
        { url: `${api}${paths.get}`, headers: auth },
        { url: `${baseline}${paths.get}` },
      ),
    ]);
  }

  // Agents: the API-key list above is the reference for agent JWTs, the direct agent call for execute.
  const agent = runs("agents") || values["sql-cost"] ? await approvedDemoAgent(api) : undefined;
  // As the SDK signs API calls: addressed to `<origin>/v1`; the issuer audience (protocol clients) is measured beside it.
  const signer = agent && createAgentJwtSigner(agent.privateJwk, agent.agentId, `${api}/v1`);
  const protocolSigner = agent && createAgentJwtSigner(agent.privateJwk, agent.agentId, agent.audience);
  if (runs("agents") && signer && protocolSigner) {
    const protocolList: Options = { url: api, requests: withAgentJwt(protocolSigner, { method: "GET", path: paths.list }) };
    const agentList: Options = { url: api, requests: withAgentJwt(signer, { method: "GET", path: paths.list }) };
    const executeList: Options = {
      url: api,
      requests: withAgentJwt(signer, {
        method: "POST",
        path: "/api/auth/capability/execute",
        body: JSON.stringify({ capability: "listProducts", arguments: { limit: 20 } }),
      }),
    };
    const apiKeyList: Options = { url: `${api}${paths.list}`, headers: auth };
    printTable("Agents (agent JWT ≥ 60% of API key; execute ≥ 80% of the direct agent call)", "reference", [
      await compare(`GET ${paths.list}, agent JWT vs API key`, agentList, apiKeyList),
      await compare("capability/execute listProducts vs direct agent call", executeList, agentList),
      await compare("same list, issuer-audience JWT (fast verifier) vs API key", protocolList, apiKeyList),
    ]);
  }
  if (runs("execute"))
    targets.atMost("3. protocol-client execute p50 / direct /v1 p50", await compareProtocolExecute(api, productId), 1.5, "×");
  if (runs("memory"))
    targets.atMost(`4. RSS of a fresh API after 60 s at ${connections} connections`, await measureMemory(auth, paths.list), 250, "MB");

  if (values["sql-cost"] && signer && protocolSigner)
    await printSqlCost(db, [
      ["API-key call (GET /v1/products/{id}, auth and handler together)", () => fetch(`${api}${paths.get}`, { headers: auth })],
      [
        "agent-JWT call, API audience (GET /v1/products/{id}, auth and handler together)",
        () => fetch(`${api}${paths.get}`, { headers: { authorization: `Bearer ${signer.next()}` } }),
      ],
      [
        "agent-JWT call, issuer audience (fast verifier)",
        () => fetch(`${api}${paths.get}`, { headers: { authorization: `Bearer ${protocolSigner.next()}` } }),
      ],
    ]);
  await db.end();
  console.log(`\n${setting}`);
  targets.print("Targets (issue #15)");
  if (!targets.allPass) process.exitCode = 1;
}

try {
  await main();
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await admin(`drop database if exists ${databaseName} with (force)`).catch((error: unknown) =>
    console.error(`could not drop ${databaseName}: ${String(error)}`),
  );
}
