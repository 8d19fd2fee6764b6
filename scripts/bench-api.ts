/**
 * `npm run bench:api [-- --connections 50 --duration 20 --pool 10 --express-floor --scenario all|protocol-execute]`
 * (pool: PostgreSQL connections of each server; `--help` prints this usage)
 *
 * `--scenario protocol-execute` runs only "protocol-client execute" (getProduct
 * through `capability/execute`, tokens addressed to the execute URL as
 * reference protocol clients sign them) beside "direct /v1" (the same
 * getProduct on /v1 with the SDK's `<origin>/v1` tokens), interleaved, and
 * prints p50/p99 and the p50 ratio (target: ≤ 1.5×). The full run includes it.
 *
 * autocannon against the API running on PostgreSQL, beside a baseline: a
 * bare node:http server running the same SQL through pg (no framework, auth,
 * validation or logging). Cases: the product list and a product with a
 * storefront API key, and the order flow (create cart → add item → place
 * order). Prints req/s, p50, p99 and the ratio to the baseline. Then the
 * agent cases, beside the API-key list: the same list with a fresh agent JWT
 * per request (as the SDK sends), and through `capability/execute`. Each
 * pair runs in alternating slices (see bench/interleaved.ts), `duration`
 * seconds per side. With `--express-floor`, the product reads also run on
 * bare Express 5 + pg (bench/express-floor-server.ts) beside the baseline and
 * the API: the share of the gap the framework alone accounts for. Last, what
 * one authenticated call costs in SQL, per kind of caller.
 *
 * Needs a PostgreSQL server: BENCH_DATABASE_URL or DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres); a throwaway database is
 * created on it and dropped at the end. The API logs at `warn` (no
 * per-request log lines), as the baseline logs nothing.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Options } from "autocannon";
import pg from "pg";
import { type AgentJwtSigner, createAgentJwtSigner } from "./bench/agent-jwt.js";
import { approvedDemoAgent } from "./bench/approved-agent.js";
import { interleaved, type SideStats } from "./bench/interleaved.js";
import { freePort } from "./support/free-port.js";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "20" },
    pool: { type: "string", default: "10" },
    "express-floor": { type: "boolean", default: false },
    scenario: { type: "string", default: "all" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log("npm run bench:api -- [--connections 50] [--duration 20] [--pool 10] [--express-floor] [--scenario all|protocol-execute]");
  process.exit(0);
}
if (values.scenario !== "all" && values.scenario !== "protocol-execute")
  throw new Error(`--scenario: all or protocol-execute, not ${values.scenario}`);
const connections = Number(values.connections);
const duration = Number(values.duration);
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const databaseName = `commerce_bench_${randomBytes(4).toString("hex")}`;
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();
const children: ChildProcess[] = [];
/** Each pair alternates this many times (A, B, A, B, …). */
const SLICES = 4;

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Starts a child process and resolves with its output once `ready` appears in it. */
function start(args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
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

/** The product reads on bare Express 5 + pg, beside the baseline and beside the API. */
async function compareExpressFloor(setup: {
  api: string;
  baseline: string;
  productId: string;
  auth: Record<string, string>;
  organizationId: string;
}): Promise<void> {
  const floorPort = await freePort();
  await start(
    ["--import", "tsx", "scripts/bench/express-floor-server.ts"],
    { DATABASE_URL: databaseUrl, PORT: String(floorPort), ORGANIZATION_ID: setup.organizationId, POOL_SIZE: values.pool },
    "express floor listening",
  );
  const floor = `http://127.0.0.1:${floorPort}`;
  const paths = { list: "/v1/products?limit=20", get: `/v1/products/${setup.productId}` };
  printTable("Bare Express 5 + pg (the framework's floor) vs bare baseline, and the API vs that floor", "reference", [
    await compare(
      `Express floor vs baseline, GET ${paths.list}`,
      { url: `${floor}${paths.list}` },
      { url: `${setup.baseline}${paths.list}` },
    ),
    await compare(
      "Express floor vs baseline, GET /v1/products/{id}",
      { url: `${floor}${paths.get}` },
      { url: `${setup.baseline}${paths.get}` },
    ),
    await compare(
      `API vs Express floor, GET ${paths.list}`,
      { url: `${setup.api}${paths.list}`, headers: setup.auth },
      { url: `${floor}${paths.list}` },
    ),
    await compare(
      "API vs Express floor, GET /v1/products/{id}",
      { url: `${setup.api}${paths.get}`, headers: setup.auth },
      { url: `${floor}${paths.get}` },
    ),
  ]);
}

/**
 * "protocol-client execute" vs "direct /v1", one operation (getProduct):
 * what a protocol client pays for going through the protocol's endpoint.
 */
async function compareProtocolExecute(api: string, productId: string): Promise<void> {
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
  console.log(
    `p50 ratio execute / direct: ${(row.result.p50 / row.reference.p50).toFixed(2)}×, p99 ratio: ${(row.result.p99 / row.reference.p99).toFixed(2)}×`,
  );
}

async function main(): Promise<void> {
  await admin(`create database ${databaseName}`);
  const apiPort = await freePort();
  const baselinePort = await freePort();
  const apiOutput = await start(
    ["--import", "tsx", "src/main.ts"],
    // The origin we call it at, so Better Auth's Origin checks (sign-in, approval) accept our requests.
    {
      DATABASE_URL: databaseUrl,
      PORT: String(apiPort),
      BETTER_AUTH_URL: `http://127.0.0.1:${apiPort}`,
      LOG_LEVEL: "warn",
      NODE_ENV: "development",
      DATABASE_POOL_SIZE: values.pool,
    },
    "Commerce API on",
  );
  const apiKey = /storefront API key: (\S+)/.exec(apiOutput)![1]!;

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
  if (values.scenario === "protocol-execute") {
    console.log(
      `\n${connections} connections, ${duration} s per side in ${SLICES} alternating slices, pool ${values.pool}, PostgreSQL, ${process.platform} ${process.arch}`,
    );
    await compareProtocolExecute(`http://127.0.0.1:${apiPort}`, productId);
    await db.end();
    return;
  }
  await start(
    ["--import", "tsx", "scripts/bench/baseline-server.ts"],
    { DATABASE_URL: databaseUrl, PORT: String(baselinePort), ORGANIZATION_ID: organizationId, POOL_SIZE: values.pool },
    "baseline listening",
  );

  const api = `http://127.0.0.1:${apiPort}`;
  const baseline = `http://127.0.0.1:${baselinePort}`;
  const auth = { "x-api-key": apiKey };
  const cases: { name: string; api: Options; baseline: Options }[] = [
    {
      name: "GET /v1/products?limit=20",
      api: { url: `${api}/v1/products?limit=20`, headers: auth },
      baseline: { url: `${baseline}/v1/products?limit=20` },
    },
    {
      name: "GET /v1/products/{id}",
      api: { url: `${api}/v1/products/${productId}`, headers: auth },
      baseline: { url: `${baseline}/v1/products/${productId}` },
    },
    {
      name: "order flow (3 requests)",
      api: { url: api, requests: orderFlow(productId, auth) },
      baseline: { url: baseline, requests: orderFlow(productId, {}) },
    },
  ];
  const results: Comparison[] = [];
  for (const item of cases) results.push(await compare(item.name, item.api, item.baseline));
  console.log(
    `\n${connections} connections, ${duration} s per side in ${SLICES} alternating slices, pool ${values.pool}, PostgreSQL, ${process.platform} ${process.arch}`,
  );
  printTable("API (API key) vs bare baseline (target: ≥ 50% of the baseline's req/s, p99 < 50 ms)", "baseline", results);
  if (values["express-floor"]) await compareExpressFloor({ api, baseline, productId, auth, organizationId });

  // Agents: the API-key list above is the reference for agent JWTs, the direct agent call for execute.
  const agent = await approvedDemoAgent(api);
  // As the SDK signs API calls: addressed to `<origin>/v1`; the issuer audience (protocol clients) is measured beside it.
  const signer = createAgentJwtSigner(agent.privateJwk, agent.agentId, `${api}/v1`);
  const protocolSigner = createAgentJwtSigner(agent.privateJwk, agent.agentId, agent.audience);
  const protocolList: Options = { url: api, requests: withAgentJwt(protocolSigner, { method: "GET", path: "/v1/products?limit=20" }) };
  const agentList: Options = { url: api, requests: withAgentJwt(signer, { method: "GET", path: "/v1/products?limit=20" }) };
  const executeList: Options = {
    url: api,
    requests: withAgentJwt(signer, {
      method: "POST",
      path: "/api/auth/capability/execute",
      body: JSON.stringify({ capability: "listProducts", arguments: { limit: 20 } }),
    }),
  };
  const apiKeyList = cases[0]!.api;
  printTable("Agents (target: agent JWT ≥ 60% of API key; execute ≥ 80% of the direct agent call)", "reference", [
    await compare("GET /v1/products?limit=20, agent JWT vs API key", agentList, apiKeyList),
    await compare("capability/execute listProducts vs direct agent call", executeList, agentList),
    await compare("same list, issuer-audience JWT (fast verifier since #11) vs API key", protocolList, apiKeyList),
  ]);
  await compareProtocolExecute(api, productId);

  // What an authenticated read costs the database: statistics around 200 sequential calls. PostgreSQL 15
  // publishes an idle backend's counters within 10 s (PGSTAT_IDLE_INTERVAL), hence the waits.
  const stats = async () =>
    (
      await db.query(
        "select xact_commit, tup_fetched, tup_inserted, tup_updated, tup_deleted from pg_stat_database where datname = current_database()",
      )
    ).rows[0] as Record<string, string>;
  const costOf = async (label: string, call: () => Promise<unknown>) => {
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const before = await stats();
    for (let count = 0; count < 200; count++) await call();
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const after = await stats();
    const per = (column: string) => ((Number(after[column]) - Number(before[column])) / 200).toFixed(2);
    console.log(
      `per ${label}: ${per("xact_commit")} transactions, ${per("tup_updated")} rows updated, ${per("tup_inserted")} inserted, ${per("tup_fetched")} rows fetched`,
    );
  };
  console.log("");
  await costOf("API-key call (GET /v1/products/{id}, auth and handler together)", () =>
    fetch(`${api}/v1/products/${productId}`, { headers: auth }),
  );
  await costOf("agent-JWT call, API audience (GET /v1/products/{id}, auth and handler together)", () =>
    fetch(`${api}/v1/products/${productId}`, { headers: { authorization: `Bearer ${signer.next()}` } }),
  );
  await costOf("agent-JWT call, issuer audience (fast verifier)", () =>
    fetch(`${api}/v1/products/${productId}`, { headers: { authorization: `Bearer ${protocolSigner.next()}` } }),
  );
  await db.end();
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
