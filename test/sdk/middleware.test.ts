/*
 * The signing middleware through the generated client, against a real HTTP
 * server that records each Authorization header: one new, valid agent JWT
 * per request.
 */
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentClient, createAgentSession, createIdentity, type Ed25519KeyPair, type Middleware } from "../../generated/sdk/index.js";
import { bearerOf, type ScriptedServer, startScriptedServer } from "./support/scripted-server.js";

let server: ScriptedServer;
let agentKeys: Ed25519KeyPair;
beforeAll(async () => {
  server = await startScriptedServer(() => ({ status: 200, body: { data: [], next_cursor: null } }));
  agentKeys = (await createIdentity()).host.keys;
});
afterAll(() => server.close());

describe("agentAuthMiddleware via createAgentClient", () => {
  it("sends a distinct agent JWT, verifiable with the agent's public key, on every request", async () => {
    const session = await createAgentSession({
      agentId: "agent-7",
      hostId: "host-3",
      agentPrivateKey: agentKeys.privateJwk,
      audience: server.configuration.issuer,
    });
    const client = createAgentClient({ baseUrl: server.baseUrl, session });
    const before = server.requests.length;
    for (let i = 0; i < 5; i += 1) {
      const { response } = await client.GET("/v1/products", { params: { query: { limit: 1 } } });
      expect(response.status).toBe(200);
    }
    const requests = server.requests.slice(before);
    expect(requests.map((request) => request.path)).toEqual(Array(5).fill("/v1/products?limit=1"));
    const tokens = requests.map(bearerOf);
    expect(new Set(tokens).size).toBe(5);
    const publicKey = await importJWK({ ...agentKeys.publicJwk }, "EdDSA");
    const jtis = new Set<unknown>();
    for (const token of tokens) {
      expect(decodeProtectedHeader(token).typ).toBe("agent+jwt");
      // API calls are addressed to the API (`<origin>/v1`), which protocol endpoints refuse: no token works on both sides.
      const { payload } = await jwtVerify(token, publicKey, { audience: `${new URL(server.baseUrl).origin}/v1`, maxTokenAge: "60s" });
      expect(payload).toMatchObject({ sub: "agent-7", iss: "host-3" });
      jtis.add(payload.jti);
    }
    expect(jtis.size).toBe(5);
  });

  it("signs concurrent requests independently and runs extra middleware after signing", async () => {
    const session = await createAgentSession({
      agentId: "agent-8",
      agentPrivateKey: agentKeys.privateJwk,
      audience: server.configuration.issuer,
    });
    const seen: (string | null)[] = [];
    const observer: Middleware = {
      onRequest({ request }) {
        seen.push(request.headers.get("authorization"));
      },
    };
    const client = createAgentClient({ baseUrl: server.baseUrl, session }, { middleware: [observer] });
    const before = server.requests.length;
    await Promise.all(Array.from({ length: 10 }, () => client.GET("/v1/products")));
    const tokens = server.requests.slice(before).map(bearerOf);
    expect(new Set(tokens).size).toBe(10);
    expect(new Set(seen.map((value) => value?.replace("Bearer ", "")))).toEqual(new Set(tokens));
  });
});
