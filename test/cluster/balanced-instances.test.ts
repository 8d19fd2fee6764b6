import { randomBytes, randomUUID } from "node:crypto";
import { request } from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, ensureDatabase, startCluster } from "../../scripts/support/cluster.js";
import { freePort } from "../../scripts/support/free-port.js";
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../src/app/seed-demo.js";
import { type ConnectedAgent, connectTestAgent } from "../agents/agent-test-kit.js";
import { decideOverHttp, signInCookie } from "../support/merchant.js";
import { deleteRedisKeys, TEST_REDIS_URL } from "../support/redis-keys.js";

/*
 * Issue #14, the production shape as `npm run cluster` starts it
 * (scripts/support/cluster.ts): HAProxy in front of three server processes
 * (src/main.ts) on one PostgreSQL database and one Redis. Real processes, a
 * real HAProxy, the machine's Redis (TEST_REDIS_URL, a key prefix of this
 * run) and the machine's PostgreSQL (a database of this file, dropped after),
 * whatever DATABASE_URL says: PGlite cannot be shared by processes.
 *
 * Measured here (2 cores, three instances, HAProxy, PostgreSQL and the test
 * on one machine): a revocation through instance 1 is refused by instance 3
 * 5–13 ms after instance 1 answered (the NOTIFY reaching instance 3's agent
 * cache; the first call after the answer was refused in every run); the test
 * allows 1 s. The file takes 13–28 s, 5–14 s of it starting the cluster.
 */

const REDIS_URL = TEST_REDIS_URL;
const KEY_PREFIX = `test:${randomUUID()}:`;
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? process.env.CI_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const databaseUrl = (() => {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/commerce_cluster_test_${randomBytes(6).toString("hex")}`;
  return url.toString();
})();

let cluster: Cluster;
let db: pg.Client;
let storefrontKey: string;
let cookie: string;
let connected: ConnectedAgent;
/** The balancer, as the agent-test kit wants an app. */
let balanced: { baseUrl: string };

beforeAll(async () => {
  const started = Date.now();
  await ensureDatabase(databaseUrl);
  const port = await freePort();
  cluster = await startCluster({
    databaseUrl,
    redisUrl: REDIS_URL,
    redisKeyPrefix: KEY_PREFIX,
    secret: randomBytes(32).toString("base64url"),
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    instances: 3,
    env: { LOG_LEVEL: "error", DATABASE_POOL_SIZE: "6" },
    removeRunDir: true,
  });
  console.log(`cluster serving ${Date.now() - started} ms after the start`);
  balanced = { baseUrl: cluster.url };
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  // Exactly one instance seeded, and printed the keys (the start-up lock).
  expect(cluster.instances.filter((instance) => instance.output().includes('Seeded "Demo Store"'))).toHaveLength(1);
  storefrontKey = /storefront API key: (\S+)/.exec(cluster.seedOutput ?? "")![1]!;
  // One agent of the demo merchant, approved through the balancer (one sign-in from 127.0.0.1).
  connected = await connectTestAgent(balanced, ["listProducts"]);
  cookie = await signInCookie(balanced, DEMO_EMAIL, DEMO_PASSWORD);
  const decision = await decideOverHttp(balanced, cookie, {
    agent_id: connected.agent.session.agentId,
    action: "approve",
    ...(connected.approval?.user_code ? { user_code: connected.approval.user_code } : {}),
  });
  expect(decision.status).toBe(200);
});

afterAll(async () => {
  await cluster?.stop();
  await db?.end().catch(() => undefined);
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`drop database if exists "${new URL(databaseUrl).pathname.slice(1)}" with (force)`);
  await admin.end();
  await deleteRedisKeys(KEY_PREFIX, REDIS_URL);
});

async function agentGet(baseUrl: string, token: string): Promise<{ status: number; code: string; servedBy: string | null }> {
  const response = await fetch(`${baseUrl}/v1/products?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json().catch(() => ({}))) as { code?: string; error?: string };
  return { status: response.status, code: body.code ?? body.error ?? "", servedBy: response.headers.get("x-served-by") };
}

/** Resolves once a read through the balancer is answered by `name` (at most 10 s). */
async function waitUntilServing(name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${cluster.url}/v1/products?limit=1`, { headers: { "x-api-key": storefrontKey } });
    await response.arrayBuffer();
    if (response.headers.get("x-served-by") === name) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer through the balancer within 10 s`);
}

describe("the balancer", () => {
  it("spreads requests over the three instances (round robin) and reports Redis in /readyz", async () => {
    const servedBy = new Set<string | null>();
    for (let request = 0; request < 6; request += 1) {
      const response = await fetch(`${cluster.url}/v1/products?limit=1`, { headers: { "x-api-key": storefrontKey } });
      expect(response.status).toBe(200);
      servedBy.add(response.headers.get("x-served-by"));
    }
    expect([...servedBy].sort()).toEqual(["api1", "api2", "api3"]);
    expect(await (await fetch(`${cluster.url}/readyz`)).json()).toEqual({ status: "ready", redis: "up" });
  });
});

describe("agent JWTs across processes", () => {
  it("a JWT used on instance 1 is refused on instance 2 (and through the balancer on every instance)", async () => {
    const [one, two] = cluster.instances;
    const audience = `${cluster.url}/v1`;
    const token = await connected.agent.session.createJwt(audience);
    expect(await agentGet(one!.url, token)).toMatchObject({ status: 200 });
    expect(await agentGet(two!.url, token)).toMatchObject({ status: 401, code: "jti_replay" });
    // Through the balancer: used once, then replayed to each instance in turn.
    const spent = await connected.agent.session.createJwt(audience);
    expect(await agentGet(cluster.url, spent)).toMatchObject({ status: 200 });
    const replays = await Promise.all([0, 1, 2].map(() => agentGet(cluster.url, spent)));
    for (const replay of replays) expect(replay).toMatchObject({ status: 401, code: "jti_replay" });
  });

  it("an agent revoked through instance 1 is refused by instance 3 within 1 s (measured 5–13 ms: the NOTIFY's trip)", async () => {
    const one = cluster.instances[0]!;
    const three = cluster.instances[2]!;
    const audience = `${cluster.url}/v1`;
    // Instance 3 has the agent's facts cached: the refusal must come from the invalidation, not a cold cache.
    expect(await agentGet(three.url, await connected.agent.session.createJwt(audience))).toMatchObject({ status: 200 });
    const revoke = await fetch(`${one.url}/api/auth/agent/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: cluster.url, cookie },
      body: JSON.stringify({ agent_id: connected.agent.session.agentId }),
    });
    expect(revoke.status).toBe(200);
    const revokedAt = performance.now();
    let last: Awaited<ReturnType<typeof agentGet>>;
    let accepted = 0;
    for (;;) {
      last = await agentGet(three.url, await connected.agent.session.createJwt(audience));
      if (last.status !== 200) break;
      accepted += 1;
      if (performance.now() - revokedAt > 1_000) break;
    }
    const windowMs = performance.now() - revokedAt;
    console.log(
      `revocation window: instance 3 refused the agent ${windowMs.toFixed(1)} ms after instance 1 answered (${accepted} calls accepted meanwhile)`,
    );
    expect(last.status).toBe(403);
    expect(windowMs).toBeLessThan(1_000);
  });
});

describe("per-address rate limits behind the balancer", () => {
  /** A sign-in from a client on loopback address `from`: HAProxy sees it as the source and sets X-Forwarded-For to it. */
  const signIn = (from: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; servedBy: string | undefined }>((resolve, reject) => {
      const req = request(
        `${cluster.url}/api/auth/sign-in/email`,
        {
          method: "POST",
          localAddress: from,
          agent: false,
          headers: { "content-type": "application/json", origin: cluster.url, ...headers },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode!, servedBy: res.headers["x-served-by"] as string | undefined }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }));
    });

  it("count one client's requests on every instance (5 sign-ins a minute), per client address, whatever X-Forwarded-For it sends", async () => {
    const answers = [];
    for (let attempt = 0; attempt < 6; attempt += 1) answers.push(await signIn("127.0.0.2"));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    // Spread over all three instances: alone, none saw more than two.
    expect(new Set(answers.map((answer) => answer.servedBy)).size).toBe(3);
    // A forged X-Forwarded-For is replaced by the balancer: still this client's budget.
    expect((await signIn("127.0.0.2", { "x-forwarded-for": "203.0.113.7" })).status).toBe(429);
    // Another address has its own budget (the proxy's address is not everyone's).
    expect((await signIn("127.0.0.3")).status).toBe(200);
  });
});

describe("killing one instance (SIGKILL) while orders are placed through the balancer", () => {
  it("acknowledges every order (201) by the resend with its key at the latest, loses none, duplicates none", async () => {
    const headers = { "content-type": "application/json", "x-api-key": storefrontKey };
    const post = async (path: string, body: unknown, extra: Record<string, string> = {}) => {
      const response = await fetch(`${cluster.url}${path}`, {
        method: "POST",
        headers: { ...headers, ...extra },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json().catch(() => ({}))) as { id?: string; code?: string },
        servedBy: response.headers.get("x-served-by"),
        retries: response.headers.get("x-retries"),
      };
    };
    const { rows: products } = await db.query<{ id: string }>("select id from products order by sku limit 40");
    // One cart (one item) per order, made before the load.
    const carts = await Promise.all(
      products.map(async (product) => {
        const cart = await post("/v1/carts", { currency: "EUR" });
        expect(cart.status).toBe(201);
        expect((await post(`/v1/carts/${cart.body.id}/items`, { product_id: product.id, quantity: 1 })).status).toBe(200);
        return cart.body.id!;
      }),
    );

    const victim = cluster.instances[1]!;
    // The victim must be in rotation when the load starts (a health check that timed out on a busy
    // machine takes an instance out for two checks), or the kill would hit nothing in flight.
    await waitUntilServing("api2");
    type Outcome = { status: number | string; orderId?: string; code?: string; servedBy?: string | null; retries?: string | null };
    const outcomes = new Map<string, Outcome>();
    const placeOrder = async (cartId: string): Promise<Outcome> => {
      try {
        const answer = await post("/v1/orders", { cart_id: cartId }, { "idempotency-key": `order-${cartId}` });
        return {
          status: answer.status,
          orderId: answer.body.id,
          code: answer.body.code,
          servedBy: answer.servedBy,
          retries: answer.retries,
        };
      } catch (error) {
        return { status: `network error: ${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}` };
      }
    };
    const queue = [...carts];
    let killedAt = 0;
    const servedBeforeKill: string[] = [];
    const worker = async () => {
      for (let cartId = queue.shift(); cartId; cartId = queue.shift()) {
        const outcome = await placeOrder(cartId);
        outcomes.set(cartId, outcome);
        if (!killedAt && outcome.servedBy) servedBeforeKill.push(outcome.servedBy);
        // A third of the way: kill instance 2 with requests in flight everywhere.
        if (!killedAt && outcomes.size >= carts.length / 3) {
          killedAt = Date.now();
          victim.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: 9 }, worker));
    expect(servedBeforeKill).toContain("api2");
    // The kill was felt: the balancer retried some placements elsewhere (in flight on instance 2, or sent to
    // it before its health checks failed), and answered none from it afterwards.
    const retriedByBalancer = [...outcomes.values()].filter((outcome) => outcome.retries && outcome.retries !== "0");
    expect(retriedByBalancer.length).toBeGreaterThan(0);
    expect((await victim.exited).signal).toBe("SIGKILL");

    // Whatever was not acknowledged is sent again with the same key, as a client would.
    const retried = new Map<string, Outcome>();
    for (const [cartId, outcome] of outcomes) if (outcome.status !== 201) retried.set(cartId, await placeOrder(cartId));

    const { rows: orders } = await db.query<{ id: string; cart_id: string }>("select id, cart_id from orders where cart_id = any($1)", [
      carts,
    ]);
    const ordersOfCart = (cartId: string) => orders.filter((order) => order.cart_id === cartId);
    for (const cartId of carts) {
      const final = retried.get(cartId) ?? outcomes.get(cartId)!;
      // Every placement ends acknowledged, at the latest on the client's resend: a key the killed instance had
      // claimed went with its transaction (PostgreSQL aborted it when the connection closed), so nothing is
      // left "in progress" (409) behind it.
      expect(final, cartId).toMatchObject({ status: 201 });
      // Acknowledged means stored once: the order is in the database, under the id the client was given.
      expect(ordersOfCart(cartId).map((order) => order.id)).toEqual([final.orderId]);
    }
    // Nothing the kill interrupted holds a key without its response.
    const { rows: unanswered } = await db.query<{ count: string }>(
      "select count(*) from idempotency_keys where key = any($1) and response_status is null",
      [carts.map((cartId) => `order-${cartId}`)],
    );
    expect(Number(unanswered[0]!.count)).toBe(0);
    // A retried acknowledgement replays the first one: the same order id, never a second order.
    for (const [cartId, outcome] of outcomes) {
      if (outcome.status === 201) expect(ordersOfCart(cartId)[0]?.id).toBe(outcome.orderId);
    }
    const count = (list: Iterable<Outcome>, status: number) => [...list].filter((outcome) => outcome.status === status).length;
    console.log(
      `orders: ${carts.length} placed with 9 in flight, instance 2 killed after ${servedBeforeKill.length} answers; ` +
        `${retriedByBalancer.length} retried by the balancer; first answers ${count(outcomes.values(), 201)}×201, others ${JSON.stringify([...outcomes.values()].filter((o) => o.status !== 201).map((o) => o.status))}; ` +
        `retries ${count(retried.values(), 201)}×201, ${count(retried.values(), 409)}×409; orders stored ${orders.length}`,
    );
    expect(orders.length).toBe(carts.length);
    // The balancer took the dead instance out: reads keep working.
    const read = await fetch(`${cluster.url}/v1/products?limit=1`, { headers: { "x-api-key": storefrontKey } });
    expect(read.status).toBe(200);
  });
});
