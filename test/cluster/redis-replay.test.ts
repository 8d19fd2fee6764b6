import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectedAgent, connectTestAgent, decide } from "../agents/agent-test-kit.js";
import { captureLog } from "../support/capture-log.js";
import { deleteRedisKeys, TEST_REDIS_URL } from "../support/redis-keys.js";
import { createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

/*
 * Two instances of the app on one database and one Redis (REDIS_URL), as
 * behind a load balancer: both are configured with instance 1's URL, so a
 * token is addressed to both. A JWT spent on one is refused on the other,
 * whichever verifier (our fast path, the agent-auth plugin) saw it first,
 * and the per-address rate limits count requests to both. A third instance
 * points REDIS_URL at a closed port: agent calls fail closed, quickly;
 * everything else works, rate limits fail open with a log line.
 */
const REDIS_URL = TEST_REDIS_URL;
/** One per run of this file: parallel files and earlier runs share the Redis. */
const KEY_PREFIX = `test:${randomUUID()}:`;

let one: TestApp;
let two: TestApp;
let owner: StoreOwner;
let connected: ConnectedAgent;

beforeAll(async () => {
  one = await startTestApp({ redis: { url: REDIS_URL, keyPrefix: KEY_PREFIX } });
  two = await startTestApp({ database: one.database, authUrl: one.baseUrl, redis: { url: REDIS_URL, keyPrefix: KEY_PREFIX } });
  owner = await createStoreOwner(one.auth, "Cluster Store");
  connected = await connectTestAgent(one, ["listProducts"]);
  await decide(one, owner, connected, "approve");
});

afterAll(async () => {
  await two?.close();
  await one?.close();
  await deleteRedisKeys(KEY_PREFIX);
});

async function token(agent: ConnectedAgent, audience: string): Promise<string> {
  const record = await agent.storage.load();
  const key = await importJWK({ ...record!.agent!.keys.privateJwk }, "EdDSA");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA", typ: "agent+jwt" })
    .setSubject(agent.agent.session.agentId)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(key);
}

async function get(app: TestApp, path: string, bearer: string): Promise<{ status: number; code: string }> {
  const response = await fetch(`${app.baseUrl}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  const body = (await response.json().catch(() => ({}))) as { code?: string; error?: string };
  return { status: response.status, code: body.code ?? body.error ?? "" };
}

describe("a JWT spent on one instance", () => {
  it("is refused on the other: fast path (/v1) both ways", async () => {
    const first = await token(connected, `${one.baseUrl}/v1`);
    expect(await get(one, "/v1/products", first)).toMatchObject({ status: 200 });
    expect(await get(two, "/v1/products", first)).toEqual({ status: 401, code: "jti_replay" });
    const second = await token(connected, `${one.baseUrl}/v1`);
    expect(await get(two, "/v1/products", second)).toMatchObject({ status: 200 });
    expect(await get(one, "/v1/products", second)).toEqual({ status: 401, code: "jti_replay" });
  });

  it("is refused on the other: the plugin's path, and across verifiers", async () => {
    const issuer = `${one.baseUrl}/api/auth`;
    const first = await token(connected, issuer);
    expect(await get(one, "/api/auth/agent/session", first)).toMatchObject({ status: 200 });
    expect(await get(two, "/api/auth/agent/session", first)).toEqual({ status: 401, code: "jti_replay" });
    // Spent by the plugin on one, refused by the fast path on two; and the reverse.
    const second = await token(connected, issuer);
    expect(await get(one, "/api/auth/agent/session", second)).toMatchObject({ status: 200 });
    expect(await get(two, "/v1/products", second)).toEqual({ status: 401, code: "jti_replay" });
    const third = await token(connected, issuer);
    expect(await get(two, "/v1/products", third)).toMatchObject({ status: 200 });
    expect(await get(one, "/api/auth/agent/session", third)).toEqual({ status: 401, code: "jti_replay" });
  });
});

describe("with Redis unreachable", () => {
  let down: TestApp;
  const log = captureLog();
  let apiKey: string;
  let agent: ConnectedAgent;

  beforeAll(async () => {
    down = await startTestApp({
      database: one.database,
      redis: { url: `redis://127.0.0.1:${await closedPort()}`, keyPrefix: KEY_PREFIX },
      logger: log.logger,
    });
    apiKey = await issueApiKey(down.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    // An agent of this instance's audience, approved through the healthy one (same database).
    agent = await connectTestAgent(one, ["listProducts"]);
    await decide(one, owner, agent, "approve");
  });

  afterAll(async () => {
    await down?.close();
  });

  it("refuses agent JWTs with 503 replay_store_unavailable, at once (fast path and plugin)", async () => {
    const started = Date.now();
    const response = await fetch(`${down.baseUrl}/v1/products`, {
      headers: { authorization: `Bearer ${await token(agent, `${down.baseUrl}/v1`)}` },
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(response.headers.get("retry-after")).toBe("2");
    expect(((await response.json()) as { code: string }).code).toBe("replay_store_unavailable");
    const pluginStarted = Date.now();
    const plugin = await get(down, "/api/auth/agent/session", await token(agent, `${down.baseUrl}/api/auth`));
    expect(Date.now() - pluginStarted).toBeLessThan(1_000);
    expect(plugin).toEqual({ status: 503, code: "replay_store_unavailable" });
    // A host JWT's id is checked (by hostJwtReplayGuard) before anything else reads it: refused the same way.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const hostJwt = `${part({ alg: "EdDSA", typ: "host+jwt" })}.${part({ iss: "some-host", jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })}.c2ln`;
    expect(await get(down, "/api/auth/agent/list", hostJwt)).toEqual({ status: 503, code: "replay_store_unavailable" });
  });

  it("stays ready (/readyz 200) and reports Redis down in the body; a healthy instance reports it up", async () => {
    const readiness = await fetch(`${down.baseUrl}/readyz`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toEqual({ status: "ready", redis: "down" });
    const up = await fetch(`${one.baseUrl}/readyz`);
    expect(await up.json()).toEqual({ status: "ready", redis: "up" });
  });

  it("still serves API keys and sign-in", async () => {
    const products = await fetch(`${down.baseUrl}/v1/products`, { headers: { "x-api-key": apiKey } });
    expect(products.status).toBe(200);
    const signIn = await fetch(`${down.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: down.baseUrl },
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    expect(signIn.status).toBe(200);
    const notEnforced = log.lines.filter((line) => line.msg === "rate limits not enforced: redis unreachable");
    expect(notEnforced).toHaveLength(1);
    expect(notEnforced[0]).toMatchObject({ level: 40 });
  });
});

// Last: it spends this address's sign-in budget (5 a minute) in this file's key prefix.
describe("the per-address rate limits", () => {
  it("count requests to every instance", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      // Alternating: alone, each instance would see at most 3 attempts and let all of them through.
      const response = await fetch(`${(attempt % 2 === 0 ? one : two).baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: one.baseUrl },
        body: JSON.stringify({ email: owner.email, password: owner.password }),
      });
      statuses.push(response.status);
    }
    // The approvals above signed in through instance one too: at most 5 in the minute, in all.
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(4);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
