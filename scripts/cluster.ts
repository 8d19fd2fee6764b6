/**
 * `npm run cluster [-- --port 8080 --instances 3]`: the production shape on
 * this machine. HAProxy (Debian's `haproxy` 2.6) on the balancer port in
 * front of N server processes (`src/main.ts`) on free ports, all on one
 * PostgreSQL database and one Redis:
 *
 * - DATABASE_URL: default postgres://postgres@127.0.0.1:5432/commerce_cluster,
 *   created when it does not exist; the instances migrate and seed it once
 *   (the start-up lock), and the seed's API keys are printed;
 * - REDIS_URL: default redis://127.0.0.1:6379 (REDIS_KEY_PREFIX passed on);
 * - BETTER_AUTH_SECRET: default a generated one kept in .data/cluster-secret;
 * - balancer port: --port, else CLUSTER_PORT, else 8080; --instances, else
 *   CLUSTER_INSTANCES, else 3; CLUSTER_PUBLIC_URL overrides the public URL
 *   (default http://localhost:<port>);
 * - LOG_LEVEL (default warn) and other server variables reach every instance.
 *
 * The generated haproxy.cfg (health checks on /readyz, round robin, retries
 * for idempotent or keyed requests only) is written to a temporary directory
 * and its path printed. Ctrl-C or SIGTERM stops HAProxy, then drains the
 * instances; exit code 0 when all stopped cleanly.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import {
  assertRedisReachable,
  ClusterError,
  DEFAULT_BALANCER_PORT,
  DEFAULT_DATABASE_URL,
  DEFAULT_INSTANCES,
  DEFAULT_REDIS_URL,
  ensureDatabase,
  persistentSecret,
  startCluster,
} from "./support/cluster.js";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { port: { type: "string" }, instances: { type: "string" } },
  strict: true,
});

function positiveInteger(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) fail(`${name}: must be an integer from 1 to ${max}, got "${raw}"`);
  return value;
}

function fail(message: string): never {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

const port = positiveInteger("--port / CLUSTER_PORT", values.port ?? process.env.CLUSTER_PORT, DEFAULT_BALANCER_PORT, 65535);
const instances = positiveInteger(
  "--instances / CLUSTER_INSTANCES",
  values.instances ?? process.env.CLUSTER_INSTANCES,
  DEFAULT_INSTANCES,
  16,
);
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const secretFile = path.join(root, ".data", "cluster-secret");
const secret = process.env.BETTER_AUTH_SECRET || persistentSecret(secretFile);

try {
  const database = await ensureDatabase(databaseUrl);
  await assertRedisReachable(redisUrl);
  console.log(
    `starting HAProxy and ${instances} instances (database ${database === "created" ? "created" : "exists"}; ` +
      `secret ${process.env.BETTER_AUTH_SECRET ? "from BETTER_AUTH_SECRET" : `in ${path.relative(process.cwd(), secretFile)}`}) …`,
  );
  const cluster = await startCluster({
    databaseUrl,
    redisUrl,
    redisKeyPrefix: process.env.REDIS_KEY_PREFIX,
    secret,
    port,
    publicUrl: process.env.CLUSTER_PUBLIC_URL,
    instances,
    onLine: (source, line) => console.log(`[${source}] ${line}`),
  });
  console.log(
    [
      "",
      `Commerce API cluster on ${cluster.url}  (HAProxy, round robin, health checks on /readyz)`,
      ...cluster.instances.map((instance) => `  ${instance.name}: ${instance.url}  (pid ${instance.child.pid})`),
      `  haproxy.cfg: ${cluster.configPath}`,
      `  database: ${databaseUrl.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@")}   redis: ${redisUrl}`,
      "",
      cluster.seedOutput ?? "The database was already seeded: the demo store's API keys were shown on its first start.",
      "",
      `Try: curl -H "x-api-key: <storefront key>" ${cluster.url}/v1/products -i   (X-Served-By names the instance)`,
      "Ctrl-C stops everything.",
    ].join("\n"),
  );

  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      console.error(`cluster: ${signal} again, exiting without waiting`);
      for (const child of [cluster.haproxy, ...cluster.instances.map((instance) => instance.child)]) child.kill("SIGKILL");
      process.exit(130);
    }
    console.log(`\n${signal}: stopping HAProxy, then draining the instances …`);
    void cluster.stop().then(async () => {
      const exits = await Promise.all(cluster.instances.map((instance) => instance.exited));
      const clean = exits.every((exit) => exit.code === 0);
      console.log(`stopped (${exits.map((exit, index) => `api${index + 1}: ${exit.code ?? exit.signal}`).join(", ")})`);
      process.exit(clean ? 0 : 1);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // An instance that dies on its own is reported; HAProxy routes around it.
  for (const instance of cluster.instances) {
    void instance.exited.then((exit) => {
      if (signals === 0) console.error(`cluster: ${instance.name} exited (${exit.code ?? exit.signal}); HAProxy takes it out of rotation`);
    });
  }
} catch (error) {
  if (error instanceof ClusterError) fail(error.message);
  throw error;
}
