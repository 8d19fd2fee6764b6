import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findHaproxy } from "../../scripts/support/cluster.js";
import { freePort } from "../../scripts/support/free-port.js";
import { haproxyConfig, RETRIES } from "../../scripts/support/haproxy-config.js";

/*
 * Issue #14: the balancer's retry policy, proved on the configuration `npm
 * run cluster` generates (scripts/support/haproxy-config.ts), run by the real
 * HAProxy, in front of three tiny backends that count every request they get:
 *
 * - /crash closes the connection without answering (an instance killed
 *   mid-request: HAProxy's "empty-response");
 * - /unavailable answers 503 (an instance draining or without its database);
 * - /ok answers 200 with the backend's name; /readyz 200 (health checks).
 *
 * A request that may have run is repeated only when repeating it is harmless:
 * idempotent methods, or a request carrying an Idempotency-Key. A POST or
 * PATCH without one reaches a backend exactly once. A connection that could not
 * be made (nothing was sent) is retried for every request, on another instance.
 */

interface CountingBackend {
  readonly name: string;
  readonly server: Server;
  readonly port: number;
  /** `METHOD path` of every request other than health checks. */
  readonly seen: string[];
}

async function countingBackend(name: string): Promise<CountingBackend> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    if (req.url === "/readyz") {
      res.end("ready");
      return;
    }
    seen.push(`${req.method} ${req.url}`);
    // Read the body first, as a server does, then misbehave.
    req.resume();
    req.on("end", () => {
      if (req.url === "/crash") req.socket.destroy();
      else if (req.url === "/unavailable") {
        res.statusCode = 503;
        res.end();
      } else res.end(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { name, server, port: (server.address() as AddressInfo).port, seen };
}

const backends: CountingBackend[] = [];
let haproxy: ChildProcess;
let haproxyOutput = "";
let balancer: string;
let runDir: string;

beforeAll(async () => {
  backends.push(...(await Promise.all(["api1", "api2", "api3"].map(countingBackend))));
  const port = await freePort();
  balancer = `http://127.0.0.1:${port}`;
  runDir = mkdtempSync(path.join(tmpdir(), "balancer-retries-"));
  const config = path.join(runDir, "haproxy.cfg");
  writeFileSync(
    config,
    haproxyConfig({
      bindHost: "127.0.0.1",
      bindPort: port,
      publicUrl: balancer,
      backends: backends.map((backend) => ({ name: backend.name, host: "127.0.0.1", port: backend.port })),
      // Health checks stay out of the way: a backend whose listener is closed below must still be tried.
      checkIntervalMs: 60_000,
    }),
  );
  haproxy = spawn(findHaproxy(), ["-db", "-f", config], { stdio: ["ignore", "pipe", "pipe"] });
  haproxy.stdout!.on("data", (chunk) => (haproxyOutput += chunk));
  haproxy.stderr!.on("data", (chunk) => (haproxyOutput += chunk));
  for (let attempt = 0; ; attempt += 1) {
    const status = await fetch(`${balancer}/ok`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (attempt > 100) throw new Error(`haproxy did not start:\n${haproxyOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  if (haproxy && haproxy.exitCode === null) {
    const exited = new Promise((resolve) => haproxy.once("exit", resolve));
    haproxy.kill("SIGTERM");
    await exited;
  }
  await Promise.all(backends.map((backend) => new Promise((resolve) => backend.server.close(resolve))));
  if (runDir) rmSync(runDir, { recursive: true, force: true });
});

function forget(): void {
  for (const backend of backends) backend.seen.length = 0;
}

function reached(method: string, url: string): number {
  return backends.reduce((sum, backend) => sum + backend.seen.filter((line) => line === `${method} ${url}`).length, 0);
}

/**
 * Sends one request through the balancer on a connection of its own (as a
 * client's first request; see the keep-alive case below); answers its status
 * and how many backend requests it caused.
 */
async function attempts(method: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; reached: number }> {
  forget();
  const body = method === "GET" || method === "HEAD" ? undefined : JSON.stringify({ cart_id: "c1" });
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      `${balancer}${url}`,
      { method, agent: false, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  return { status, reached: reached(method, url) };
}

const ALL_ATTEMPTS = 1 + RETRIES;

describe("an instance that dies mid-request (empty response)", () => {
  it("a POST without Idempotency-Key reaches one instance once and fails with 502: never repeated", async () => {
    expect(await attempts("POST", "/crash")).toEqual({ status: 502, reached: 1 });
    expect(await attempts("PATCH", "/crash")).toEqual({ status: 502, reached: 1 });
  });

  it(`a POST with an Idempotency-Key is retried (${RETRIES} times, each on the next instance)`, async () => {
    expect(await attempts("POST", "/crash", { "idempotency-key": "order-1" })).toEqual({ status: 502, reached: ALL_ATTEMPTS });
    // Redispatched: the retries went to other instances, not the same one again.
    expect(backends.filter((backend) => backend.seen.length > 0).length).toBeGreaterThan(1);
  });

  it("idempotent methods are retried: GET, HEAD, PUT, DELETE, OPTIONS", async () => {
    for (const method of ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]) {
      expect({ method, ...(await attempts(method, "/crash")) }).toEqual({ method, status: 502, reached: ALL_ATTEMPTS });
    }
  });
});

describe("a later request on a kept-alive client connection", () => {
  it("is not retried either: the balancer closes the client's connection instead of answering 502", async () => {
    // HAProxy answers a failure of a client connection's 2nd, 3rd… request by closing it, as the
    // instance did (http-reuse "safe": the client may decide to resend). Node's fetch does not resend a
    // POST and reports the closed socket; curl does resend once: that resend is the client's choice.
    forget();
    const first = await fetch(`${balancer}/ok`);
    expect(first.status).toBe(200);
    await first.text();
    const second = await fetch(`${balancer}/crash`, { method: "POST", body: "{}" }).then(
      (response) => response.status,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    expect([502, "UND_ERR_SOCKET"]).toContain(second);
    expect(reached("POST", "/crash")).toBe(1);
  });
});

describe("an instance answering 503 (draining, or its database away)", () => {
  it("is passed on for a POST without a key, retried elsewhere for a GET or a keyed POST", async () => {
    expect(await attempts("POST", "/unavailable")).toEqual({ status: 503, reached: 1 });
    expect(await attempts("GET", "/unavailable")).toEqual({ status: 503, reached: ALL_ATTEMPTS });
    expect(await attempts("POST", "/unavailable", { "idempotency-key": "k-503" })).toEqual({ status: 503, reached: ALL_ATTEMPTS });
  });
});

describe("an instance that refuses connections (killed, not yet marked down)", () => {
  it("every request, a POST without a key too, goes to another instance and succeeds", async () => {
    const dead = backends[0]!;
    dead.server.closeAllConnections();
    await new Promise((resolve) => dead.server.close(resolve));
    forget();
    const served = new Set<string>();
    // Round robin: six requests pass the dead instance's turn twice.
    for (let request = 0; request < 6; request += 1) {
      const response = await fetch(`${balancer}/ok`, { method: "POST", body: "{}" });
      expect(response.status).toBe(200);
      served.add(await response.text());
    }
    expect([...served].sort()).toEqual(["api2", "api3"]);
    expect(dead.seen).toEqual([]);
  });
});
