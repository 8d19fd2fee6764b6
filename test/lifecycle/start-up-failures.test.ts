import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/support/free-port.js";
import { spawnServer } from "../support/server-process.js";

/**
 * `npm start` with something wrong that the operator must fix: each case is
 * the real entry point as a child process, which must exit non-zero within
 * 10 s with one stderr line naming the problem and what to do, no stack
 * trace, no banner, and never a secret it was given.
 */

const SECRET = "s3cret-Pa55word-never-printed";
let scratch: string;
/** Servers this file runs on 127.0.0.1: one holding a port, one accepting connections and never answering. */
const helpers: Server[] = [];
const silentSockets = new Set<Socket>();

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "commerce-start-up-"));
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await Promise.all(helpers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(scratch, { recursive: true, force: true });
});

async function tcpServer(onConnection: (socket: Socket) => void = () => {}): Promise<number> {
  const port = await freePort();
  const server = createServer(onConnection);
  // Every address, as the API listens: a port held on 127.0.0.1 alone would not stop it on [::].
  await new Promise<void>((resolve) => server.listen(port, resolve));
  helpers.push(server);
  return port;
}

interface Run {
  readonly code: number | null;
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the server with `env` (on a free port unless PORT is given) and waits for it to exit (15 s at most). */
async function startWith(env: NodeJS.ProcessEnv): Promise<Run> {
  const started = Date.now();
  const server = spawnServer({ PORT: String(await freePort()), LOG_LEVEL: "warn", ...env });
  const exit = await Promise.race([server.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000))]);
  if (!exit) server.child.kill("SIGKILL");
  return { code: exit ? exit.code : null, ms: Date.now() - started, stdout: server.stdout(), stderr: server.stderr() };
}

function expectOneLineFailure(run: Run, ...mentions: RegExp[]): void {
  expect(run.code, `${run.stderr}\n${run.stdout}`).not.toBe(0);
  expect(run.code, "exited by itself").not.toBeNull();
  expect(run.ms).toBeLessThan(10_000);
  const lines = run.stderr.split("\n").filter((line) => line.trim() !== "");
  expect(lines, run.stderr).toHaveLength(1);
  for (const mention of mentions) expect(lines[0]).toMatch(mention);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout).not.toContain("Commerce API on");
  expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
}

describe("start-up failures: one line, non-zero exit, within 10 s", () => {
  it("port already in use", async () => {
    const port = await tcpServer();
    const run = await startWith({ PORT: String(port), DATA_DIR: path.join(scratch, "port") });
    expectOneLineFailure(run, new RegExp(`port ${port} is already in use`), /PORT/);
  });

  it("database refuses connections", async () => {
    const closedPort = await freePort();
    const run = await startWith({ DATABASE_URL: `postgres://commerce:${SECRET}@127.0.0.1:${closedPort}/shop` });
    expectOneLineFailure(run, new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${closedPort}/shop`), /connection refused/, /DATABASE_URL/);
  });

  it("database accepts connections and never answers", async () => {
    const port = await tcpServer((socket) => {
      silentSockets.add(socket);
      socket.on("error", () => {});
    });
    // A short deadline keeps the case inside 10 s on a busy machine; the default (5 s) is the same code path.
    const run = await startWith({
      DATABASE_URL: `postgres://commerce:${SECRET}@127.0.0.1:${port}/shop?password=${SECRET}`,
      DATABASE_STARTUP_TIMEOUT_MS: "2000",
    });
    expectOneLineFailure(run, /PostgreSQL at 127\.0\.0\.1:\d+\/shop as commerce did not answer within 2 s/, /DATABASE_URL/);
    expect(run.ms).toBeGreaterThanOrEqual(2_000);
  });

  it.runIf(existsSync("/proc/self"))("DATA_DIR under /proc (recursive mkdir would spin there forever)", async () => {
    const run = await startWith({ DATA_DIR: `/proc/commerce-${process.pid}` });
    expectOneLineFailure(run, /^start-up failed: DATA_DIR "\/proc\/commerce-\d+": cannot create/, /set DATA_DIR to a writable directory/);
  });

  it("DATA_DIR below a file", async () => {
    const file = path.join(scratch, "a-file");
    writeFileSync(file, "");
    const run = await startWith({ DATA_DIR: path.join(file, "data") });
    expectOneLineFailure(run, /not a directory/, /DATA_DIR/);
  });

  it("DATA_DIR holding a database PGlite cannot open", async () => {
    const dataDir = path.join(scratch, "damaged");
    mkdirSync(path.join(dataDir, "pglite"), { recursive: true });
    writeFileSync(path.join(dataDir, "pglite", "PG_VERSION"), "9\n");
    const run = await startWith({ DATA_DIR: dataDir });
    expectOneLineFailure(run, /embedded database in .*damaged\/pglite cannot be opened/, /move them away/);
  });

  it("BETTER_AUTH_SECRET too short: names the variable and the rule, never the value", async () => {
    const run = await startWith({ BETTER_AUTH_SECRET: SECRET, DATA_DIR: path.join(scratch, "secret") });
    expectOneLineFailure(
      run,
      /^invalid environment: BETTER_AUTH_SECRET: must be at least 32 characters/,
      new RegExp(`got ${SECRET.length} characters`),
    );
  });
});
