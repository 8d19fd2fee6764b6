/**
 * Starts the production shape on this machine: HAProxy in front of N API
 * server processes (`src/main.ts`, as `npm start` runs it) on one PostgreSQL
 * database and one Redis. `npm run cluster` (scripts/cluster.ts) is a thin
 * command line around `startCluster`; test/cluster starts the same thing.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { freePort } from "./free-port.js";
import { haproxyConfig } from "./haproxy-config.js";
import { buildServerIfStale, SERVER_ARGS } from "./server-command.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** What an instance prints once it listens (src/main.ts), and what the seeding one prints before. */
const BANNER = "Commerce API on";
const SEEDED = 'Seeded "Demo Store"';

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/commerce_cluster";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_BALANCER_PORT = 8080;
export const DEFAULT_INSTANCES = 3;

export interface ClusterOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** REDIS_KEY_PREFIX of every instance (default: the server's own default). */
  readonly redisKeyPrefix?: string;
  /** BETTER_AUTH_SECRET shared by every instance. */
  readonly secret: string;
  /** Balancer port; 0 picks a free one. */
  readonly port: number;
  /** Balancer address (default 127.0.0.1). */
  readonly bindHost?: string;
  /** BETTER_AUTH_URL and API_PUBLIC_URL of every instance; default `http://localhost:<port>`. */
  readonly publicUrl?: string;
  readonly instances?: number;
  /** More environment for every instance (LOG_LEVEL, NODE_ENV, DATABASE_POOL_SIZE, …); wins over the inherited environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Every line the instances and HAProxy print, after start-up (default: dropped). */
  readonly onLine?: (source: string, line: string) => void;
  /** Health check interval of the balancer (default 1000 ms). */
  readonly checkIntervalMs?: number;
  /** Remove the run directory (haproxy.cfg) on stop (default: kept, for reading). */
  readonly removeRunDir?: boolean;
}

export interface ClusterInstance {
  readonly name: string;
  readonly port: number;
  /** The instance itself, bypassing the balancer. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Cluster {
  /** The balancer's URL (what clients use; every instance's public URL). */
  readonly url: string;
  readonly port: number;
  readonly runDir: string;
  readonly configPath: string;
  readonly instances: readonly ClusterInstance[];
  readonly haproxy: ChildProcess;
  /** The demo seed's announcement (its API keys), when this start seeded an empty database. */
  readonly seedOutput: string | undefined;
  /** HAProxy first, then the instances (SIGTERM: they drain); resolves when all have exited. */
  stop(): Promise<void>;
}

/** A start-up problem worth one line to the operator. */
export class ClusterError extends Error {}

/** The haproxy binary (Debian's package), or a ClusterError saying how to install it. */
export function findHaproxy(): string {
  for (const candidate of ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"]) if (existsSync(candidate)) return candidate;
  const which = spawnSync("sh", ["-c", "command -v haproxy"], { encoding: "utf8" });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new ClusterError("HAProxy is not installed: apt-get install -y haproxy (Debian 12 ships 2.6)");
}

/** Creates the database DATABASE_URL names when it does not exist yet (connecting to the server's `postgres` database). */
export async function ensureDatabase(databaseUrl: string): Promise<"created" | "exists"> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new ClusterError(`DATABASE_URL names no database: ${redactedUrl(databaseUrl)}`);
  const admin = new URL(databaseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new ClusterError(`cannot connect to PostgreSQL at ${redactedUrl(admin.toString())}: ${(error as Error).message}`);
  }
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (rowCount) return "exists";
    await client.query(`create database "${name.replaceAll('"', '""')}"`);
    return "created";
  } finally {
    await client.end();
  }
}

/** Fails with a ClusterError unless Redis answers PING within a second. */
export async function assertRedisReachable(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new ClusterError(
      `Redis at ${redactedUrl(redisUrl)} does not answer (${(error as Error).message}): start it (redis-server) or set REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }
}

/** The shared BETTER_AUTH_SECRET kept in `file` (created with 48 random bytes, mode 600, on first use). */
export function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const haproxyBin = findHaproxy();
  const bindHost = options.bindHost ?? "127.0.0.1";
  const port = options.port === 0 ? await freePort() : options.port;
  await assertPortFree(bindHost, port);
  const publicUrl = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/$/, "");
  const count = options.instances ?? DEFAULT_INSTANCES;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const runDir = mkdtempSync(path.join(tmpdir(), "commerce-cluster-"));
  const configPath = path.join(runDir, "haproxy.cfg");

  // Compiled once here, so no instance spends its start compiling (see scripts/start.mjs).
  buildServerIfStale();
  // Every instance the same: one database, one Redis, one secret, the balancer's URL, behind a proxy.
  const instances = ports.map((instancePort, index) =>
    spawnInstance(`api${index + 1}`, instancePort, {
      ...process.env,
      NODE_ENV: "development",
      LOG_LEVEL: "warn",
      ...options.env,
      PORT: String(instancePort),
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      ...(options.redisKeyPrefix ? { REDIS_KEY_PREFIX: options.redisKeyPrefix } : {}),
      BETTER_AUTH_SECRET: options.secret,
      BETTER_AUTH_URL: publicUrl,
      API_PUBLIC_URL: publicUrl,
      TRUST_PROXY: "true",
    }),
  );
  let haproxy: ChildProcess | undefined;
  let haproxyOutput = "";
  const stopAll = async () => {
    if (haproxy) await terminate(haproxy, "SIGTERM");
    await Promise.all(instances.map((instance) => terminate(instance.child, "SIGTERM")));
    if (options.removeRunDir) rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await Promise.all(instances.map((instance) => waitForOutput(instance, BANNER, 180_000)));
    writeFileSync(
      configPath,
      haproxyConfig({
        bindHost,
        bindPort: port,
        publicUrl,
        backends: instances.map((instance) => ({ name: instance.name, host: "127.0.0.1", port: instance.port })),
        checkIntervalMs: options.checkIntervalMs,
      }),
    );
    // -db: stay in the foreground (this process supervises it); -W is unnecessary without reloads.
    haproxy = spawn(haproxyBin, ["-db", "-f", configPath], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    const child = haproxy;
    const collect = (chunk: Buffer) => (haproxyOutput += chunk);
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    await waitForReady(`http://${bindHost}:${port}/readyz`, child, () => haproxyOutput, 15_000);
  } catch (error) {
    await stopAll();
    throw error;
  }
  if (options.onLine) {
    const onLine = options.onLine;
    for (const instance of instances) forwardLines(instance.child, instance.name, onLine);
    forwardLines(haproxy, "haproxy", onLine);
  }
  const seeder = instances.find((instance) => instance.output().includes(SEEDED));
  const seedOutput = seeder?.output().slice(seeder.output().indexOf(SEEDED)).split("\n\n")[0]?.trim();
  let stopping: Promise<void> | undefined;
  return {
    url: publicUrl,
    port,
    runDir,
    configPath,
    instances,
    haproxy,
    seedOutput,
    stop: () => {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

function spawnInstance(name: string, port: number, env: NodeJS.ProcessEnv): ClusterInstance {
  // Its own process group: a Ctrl-C in the terminal reaches the launcher only, which then stops each
  // instance once (a second SIGINT would make an instance skip its drain).
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { name, port, url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
}

async function waitForOutput(instance: ClusterInstance, text: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!instance.output().includes(text)) {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) {
      throw new ClusterError(`instance ${instance.name} exited before serving:\n${instance.output()}`);
    }
    if (Date.now() - started > timeoutMs)
      throw new ClusterError(`instance ${instance.name} did not start within ${timeoutMs} ms:\n${instance.output()}`);
    await sleep(50);
  }
}

async function waitForReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new ClusterError(`haproxy exited:\n${output()}`);
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() - started > timeoutMs) throw new ClusterError(`the balancer did not answer ${url} within ${timeoutMs} ms:\n${output()}`);
    await sleep(50);
  }
}

/** Sends `signal` once and waits for the exit; SIGKILL after 15 s. */
async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

function forwardLines(child: ChildProcess, source: string, onLine: (source: string, line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) onLine(source, line);
    });
  }
}

async function assertPortFree(host: string, port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new ClusterError(`the balancer's port ${host}:${port} is not free (${error.code}): pick another with --port or CLUSTER_PORT`)),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
