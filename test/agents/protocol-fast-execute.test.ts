/*
 * Protocol clients sign their tokens for the execute URL or the issuer, not
 * for `<origin>/v1`. Those tokens now take the fast verifier on
 * capability/execute and /v1, with the plugin's guarantees: one replay cache
 * for every verifier (a token spent on one side is spent on the other), the
 * plugin's host-default grants on the very first call, and its request
 * binding (`htm`, `htu`) checked against the URL actually called.
 */
import { createHash, randomUUID } from "node:crypto";
import { importJWK, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantsOf, linkedHost, startWorld, type World } from "../security/support/attack-world.js";
import { type Agent, type Answer, call, issuer, register } from "../security/support/protocol-client.js";

let world: World;
let agent: Agent;
/** Registered for listProducts only, under a host whose defaults also hold getProduct and createCart. */
let newcomer: Agent;

const executeUrl = () => `${world.app.baseUrl}/api/auth/capability/execute`;

async function jwt(subject: Agent, audience: string, claims: JWTPayload = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", typ: "agent+jwt" })
    .setSubject(subject.id)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(await importJWK({ ...subject.keys.privateJwk }, "EdDSA"));
}

function execute(bearer: string, capability: string, args: unknown = {}, path = "/api/auth/capability/execute"): Promise<Answer> {
  return call(world.app, path, { bearer, body: { capability, arguments: args } });
}

beforeAll(async () => {
  world = await startWorld();
  const linked = await linkedHost(world, world.ownerA, ["listProducts"]);
  agent = linked.agent;
  // The host's defaults, pinned for this test: auto-granted capabilities only (host-guard.ts).
  await world.app.db
    .updateTable("agentHost")
    .set({ defaultCapabilities: JSON.stringify(["listProducts", "getProduct", "createCart"]) })
    .where("id", "=", linked.host.id!)
    .execute();
  newcomer = await register(world.app, linked.host, ["listProducts"]);
  expect(newcomer.status).toBe("active");
});

afterAll(async () => world?.close());

describe("protocol-client execute on the fast verifier", () => {
  it("serves tokens for the execute URL, the issuer and the origin, refusing in problem+json (the fast path's shape)", async () => {
    for (const audience of [executeUrl(), issuer(world.app), world.app.baseUrl]) {
      expect(await execute(await jwt(agent, audience), "listProducts")).toMatchObject({ status: 200, body: { data: expect.any(Object) } });
    }
    const refused = await execute(await jwt(agent, executeUrl()), "adminListOrders");
    expect(refused).toMatchObject({ status: 403, body: { type: "/problems/capability_not_granted", error: "capability_not_granted" } });
  });

  it("a token spent on fast execute is spent for the plugin's routes, and the reverse (one replay cache)", async () => {
    const first = await jwt(agent, issuer(world.app));
    expect((await execute(first, "listProducts")).status).toBe(200);
    expect(await call(world.app, "/api/auth/agent/status", { bearer: first })).toMatchObject({
      status: 401,
      body: { error: "jti_replay" },
    });

    const second = await jwt(agent, issuer(world.app));
    expect((await call(world.app, "/api/auth/agent/status", { bearer: second })).status).toBe(200);
    expect(await execute(second, "listProducts")).toMatchObject({ status: 401, body: { error: "jti_replay" } });
    expect(await call(world.app, "/v1/products", { bearer: second })).toMatchObject({ status: 401, body: { code: "jti_replay" } });

    // Batch execute is the plugin's: a token spent there is spent here.
    const third = await jwt(agent, executeUrl());
    const batch = await call(world.app, "/api/auth/capability/batch-execute", {
      bearer: third,
      body: { requests: [{ capability: "listProducts", arguments: {} }] },
    });
    expect(batch.status).toBe(200);
    expect(await execute(third, "listProducts")).toMatchObject({ status: 401, body: { error: "jti_replay" } });
  });

  it("refuses what the plugin refuses: a foreign iss, a stale token", async () => {
    expect((await execute(await jwt(agent, executeUrl(), { iss: "someone-else" }), "listProducts")).status).toBe(401);
    const stale = new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA", typ: "agent+jwt" })
      .setSubject(agent.id)
      .setAudience(executeUrl())
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setJti(randomUUID())
      .sign(await importJWK({ ...agent.keys.privateJwk }, "EdDSA"));
    expect(await execute(await stale, "listProducts")).toMatchObject({ status: 401, body: { error: "invalid_jwt" } });
  });
});

describe("host-default capabilities on the first call (issue #11 item 3)", () => {
  it("fast path: the first execute of a default the agent never asked for succeeds, and grants it", async () => {
    const first = await execute(await jwt(newcomer, executeUrl()), "getProduct", { product_id: randomUUID() });
    // Granted and run: the product does not exist, so the operation itself answers 404.
    expect(first).toMatchObject({ status: 404, body: { error: "product_not_found" } });
    expect(await grantsOf(world, newcomer.id)).toContainEqual({ capability: "getProduct", status: "active" });
  });

  it("plugin path (a body-hash-bound token, which the plugin verifies): the first call succeeds too", async () => {
    const body = { capability: "createCart", arguments: { currency: "EUR" } };
    const ath = createHash("sha256").update(JSON.stringify(body)).digest("base64url");
    const answer = await call(world.app, "/api/auth/capability/execute", { bearer: await jwt(newcomer, executeUrl(), { ath }), body });
    expect(answer).toMatchObject({ status: 200, body: { data: { currency: "EUR" } } });
  });

  it("never re-grants a default the merchant revoked, nor one outside the token's capabilities claim", async () => {
    await world.app.db
      .updateTable("agentCapabilityGrant")
      .set({ status: "revoked" })
      .where("agentId", "=", newcomer.id)
      .where("capability", "=", "getProduct")
      .execute();
    const deadline = Date.now() + 500;
    let answer: Answer;
    do answer = await execute(await jwt(newcomer, executeUrl()), "getProduct", { product_id: randomUUID() });
    while (answer.status !== 403 && Date.now() < deadline);
    expect(answer).toMatchObject({ status: 403, body: { error: "capability_not_granted" } });

    const other = await register(world.app, { ...newcomer.host }, ["listProducts"]);
    const narrowed = await execute(await jwt(other, executeUrl(), { capabilities: ["listProducts"] }), "createCart", { currency: "EUR" });
    expect(narrowed).toMatchObject({ status: 403, body: { error: "capability_not_granted" } });
  });

  it("does not grant defaults on a host that is not active", async () => {
    const linked = await linkedHost(world, world.ownerA, ["listProducts"]);
    const pendingHost = await register(world.app, linked.host, ["listProducts"]);
    await world.app.db.updateTable("agentHost").set({ status: "pending" }).where("id", "=", linked.host.id!).execute();
    // Its first call on the fast path: the facts are read now, with the host pending.
    const answer = await execute(await jwt(pendingHost, executeUrl()), "createCart", { currency: "EUR" });
    expect(answer).toMatchObject({ status: 403, body: { error: "capability_not_granted" } });
  });
});

describe("request binding (htm, htu) with protocol-audience tokens (issue #11 item 4)", () => {
  const bound = (method: string, path: string) => jwt(agent, issuer(world.app), { htm: method, htu: `${world.app.baseUrl}${path}` });

  it("on /v1: a matching binding is served, a wrong method or path is refused, the query is not bound", async () => {
    expect((await call(world.app, "/v1/products", { bearer: await bound("GET", "/v1/products") })).status).toBe(200);
    expect(await call(world.app, "/v1/products", { bearer: await bound("POST", "/v1/products") })).toMatchObject({
      status: 401,
      body: { code: "request_binding_mismatch" },
    });
    expect(await call(world.app, "/v1/products", { bearer: await bound("GET", "/v1/orders") })).toMatchObject({
      status: 401,
      body: { code: "request_binding_mismatch" },
    });
    expect((await call(world.app, "/v1/products?limit=5", { bearer: await bound("GET", "/v1/products?limit=5") })).status).toBe(200);
    expect((await call(world.app, "/v1/products?limit=5", { bearer: await bound("GET", "/v1/products") })).status).toBe(200);
    expect(await call(world.app, "/v1/products", { bearer: await bound("GET", "not a url") })).toMatchObject({
      status: 401,
      body: { code: "request_binding_mismatch" },
    });
  });

  it("on execute: the same rule against the execute URL", async () => {
    expect((await execute(await bound("POST", "/api/auth/capability/execute"), "listProducts")).status).toBe(200);
    expect(await execute(await bound("GET", "/api/auth/capability/execute"), "listProducts")).toMatchObject({
      status: 401,
      body: { error: "request_binding_mismatch" },
    });
    expect(await execute(await bound("POST", "/api/auth/agent/status"), "listProducts")).toMatchObject({
      status: 401,
      body: { error: "request_binding_mismatch" },
    });
    expect(
      (
        await execute(
          await bound("POST", "/api/auth/capability/execute?trace=1"),
          "listProducts",
          {},
          "/api/auth/capability/execute?trace=1",
        )
      ).status,
    ).toBe(200);
  });
});

describe("lapsed agents stay with the plugin, which revives them", () => {
  it("an execute-URL token of an agent whose session lapsed is served", async () => {
    await world.app.db
      .updateTable("agent")
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where("id", "=", agent.id)
      .execute();
    const deadline = Date.now() + 500;
    let answer: Answer;
    do answer = await execute(await jwt(agent, executeUrl()), "listProducts");
    while (answer.status !== 200 && Date.now() < deadline);
    expect(answer.status).toBe(200);
  });
});
