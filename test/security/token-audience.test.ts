/*
 * Attacks 5 and 6 and the one-token-two-sides hole: audiences come from
 * configuration only (never the Host header), one token names one audience,
 * and only the configured proxy key may speak for an agent (x-agent-id).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkedHost, startWorld, type World } from "./support/attack-world.js";
import { type Agent, agentJwt, apiAudience, call, callWithHost, hostJwt, issuer } from "./support/protocol-client.js";

describe("attack: tokens for the wrong audience, and borrowed agents", () => {
  let world: World;
  let agent: Agent;
  beforeAll(async () => {
    world = await startWorld();
    agent = (await linkedHost(world, world.ownerA)).agent;
  });
  afterAll(async () => world?.close());

  it("a JWT for http://evil.example with Host: evil.example is refused on /v1 and on capability/execute", async () => {
    const onApi = await callWithHost(world.app, "/v1/products", "evil.example", {
      authorization: `Bearer ${await agentJwt(agent, "http://evil.example")}`,
    });
    expect(onApi.status).toBe(401);
    const onExecute = await callWithHost(
      world.app,
      "/api/auth/capability/execute",
      "evil.example",
      { authorization: `Bearer ${await agentJwt(agent, "http://evil.example/api/auth")}` },
      { capability: "listProducts", arguments: {} },
    );
    expect(onExecute.status).toBe(401);
    // The 401 says which audience is expected (an agent on 127.0.0.1 where the server is configured as localhost gets no other clue).
    const wrongHost = new URL(world.app.baseUrl);
    wrongHost.hostname = wrongHost.hostname === "127.0.0.1" ? "localhost" : "127.0.0.1";
    const misaddressed = await call(world.app, "/v1/products", { bearer: await agentJwt(agent, `${wrongHost.origin}/v1`) });
    expect(misaddressed).toMatchObject({ status: 401, body: { code: "invalid_jwt" } });
    expect(String(misaddressed.body.detail)).toContain(
      `expected aud "${apiAudience(world.app)}" (or the issuer "${world.app.baseUrl}/api/auth")`,
    );
    // The same agent with a configured audience is served: the refusal is about the audience.
    const honest = await call(world.app, "/v1/products", { bearer: await agentJwt(agent, apiAudience(world.app)) });
    expect(honest.status).toBe(200);
  });

  it("a JWT naming both audiences is refused on both sides", async () => {
    const both = [apiAudience(world.app), issuer(world.app)];
    const onApi = await call(world.app, "/v1/products", { bearer: await agentJwt(agent, both) });
    expect(onApi).toMatchObject({ status: 401, body: { code: "invalid_jwt" } });
    const onStatus = await call(world.app, "/api/auth/agent/status", { bearer: await agentJwt(agent, both) });
    expect(onStatus).toMatchObject({ status: 401, body: { error: "invalid_jwt" } });
  });

  it("an API-audience token is refused by the plugin's routes, an issuer token once used is refused again", async () => {
    const apiToken = await agentJwt(agent, apiAudience(world.app));
    expect((await call(world.app, "/api/auth/agent/status", { bearer: apiToken })).status).toBe(401);
    const issuerToken = await agentJwt(agent, issuer(world.app));
    expect((await call(world.app, "/v1/products", { bearer: issuerToken })).status).toBe(200);
    expect((await call(world.app, "/v1/products", { bearer: issuerToken })).status).toBe(401);
  });

  it("a protocol-audience token spent by one verifier is spent for the other (one replay cache)", async () => {
    const executeUrl = `${issuer(world.app)}/capability/execute`;
    const spentOnFastPath = await agentJwt(agent, executeUrl);
    expect(
      (await call(world.app, "/api/auth/capability/execute", { bearer: spentOnFastPath, body: { capability: "listProducts" } })).status,
    ).toBe(200);
    expect(await call(world.app, "/api/auth/agent/status", { bearer: spentOnFastPath })).toMatchObject({
      status: 401,
      body: { error: "jti_replay" },
    });
    const spentOnPlugin = await agentJwt(agent, issuer(world.app));
    expect((await call(world.app, "/api/auth/agent/status", { bearer: spentOnPlugin })).status).toBe(200);
    expect(await call(world.app, "/v1/products", { bearer: spentOnPlugin })).toMatchObject({ status: 401, body: { code: "jti_replay" } });
    expect(
      await call(world.app, "/api/auth/capability/execute", { bearer: spentOnPlugin, body: { capability: "listProducts" } }),
    ).toMatchObject({ status: 401, body: { error: "jti_replay" } });
  });

  it("a plain member's own API key cannot name the owner's agent in x-agent-id", async () => {
    const borrowed = await call(world.app, "/v1/orders", { apiKey: world.memberA.storefrontKey, headers: { "x-agent-id": agent.id } });
    expect(borrowed).toMatchObject({ status: 403, body: { code: "proxy_key_required" } });
    const ownersKey = await call(world.app, "/v1/orders", { apiKey: world.ownerA.adminKey, headers: { "x-agent-id": agent.id } });
    expect(ownersKey).toMatchObject({ status: 403, body: { code: "proxy_key_required" } });
  });
});

describe("attack: replaying a host JWT", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it("a captured host JWT cannot be used twice", async () => {
    const { host } = await linkedHost(world, world.ownerA);
    const token = await hostJwt(world.app, host);
    const first = await call(world.app, "/api/auth/capability/list", { bearer: token });
    expect(first.status).toBe(200);
    const replay = await call(world.app, "/api/auth/capability/list", { bearer: token });
    expect(replay).toMatchObject({ status: 401, body: { error: "jwt_replay" } });
  });
});
