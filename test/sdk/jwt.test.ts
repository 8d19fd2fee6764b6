/*
 * Host and agent JWTs as the plugin checks them: EdDSA with the right `typ`,
 * verifiable with the public key, the claims it reads, at most 60 s of life
 * and a new `jti` every time.
 */
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createIdentity, type Ed25519KeyPair, MAX_JWT_LIFETIME_SECONDS, signAgentJwt, signHostJwt } from "../../generated/sdk/index.js";

const AUDIENCE = "http://shop.test/api/auth";

async function keys(): Promise<Ed25519KeyPair> {
  return (await createIdentity()).host.keys;
}

async function verify(token: string, pair: Ed25519KeyPair) {
  return jwtVerify(token, await importJWK({ ...pair.publicJwk }, "EdDSA"), {
    audience: AUDIENCE,
    algorithms: ["EdDSA"],
    maxTokenAge: "60s",
  });
}

describe("signHostJwt", () => {
  it("on first contact: host+jwt with the host key inline, the agent key, no iss", async () => {
    const host = await keys();
    const agent = await keys();
    const token = await signHostJwt({
      hostPrivateKey: host.privateJwk,
      hostPublicJwk: host.publicJwk,
      audience: AUDIENCE,
      agentPublicJwk: agent.publicJwk,
      hostName: "laptop",
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "EdDSA", typ: "host+jwt" });
    const { payload } = await verify(token, host);
    expect(payload.iss).toBeUndefined();
    expect(payload.host_public_key).toEqual(host.publicJwk);
    expect(payload.agent_public_key).toEqual(agent.publicJwk);
    expect(payload.host_name).toBe("laptop");
    expect(payload.aud).toBe(AUDIENCE);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(MAX_JWT_LIFETIME_SECONDS);
    expect(typeof payload.jti).toBe("string");
  });

  it("once the host has an id: iss is the host id", async () => {
    const host = await keys();
    const { payload } = await verify(
      await signHostJwt({ hostPrivateKey: host.privateJwk, hostPublicJwk: host.publicJwk, hostId: "host-1", audience: AUDIENCE }),
      host,
    );
    expect(payload.iss).toBe("host-1");
    expect(payload.agent_public_key).toBeUndefined();
  });

  it("does not verify with another key", async () => {
    const host = await keys();
    const token = await signHostJwt({ hostPrivateKey: host.privateJwk, hostPublicJwk: host.publicJwk, audience: AUDIENCE });
    await expect(verify(token, await keys())).rejects.toThrow(/signature/);
  });
});

describe("signAgentJwt", () => {
  it("agent+jwt: sub = agent id, iss = host id, aud, iat, exp within 60 s", async () => {
    const agent = await keys();
    const token = await signAgentJwt({ agentPrivateKey: agent.privateJwk, agentId: "agent-1", hostId: "host-1", audience: AUDIENCE });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "EdDSA", typ: "agent+jwt" });
    const { payload } = await verify(token, agent);
    expect(payload).toMatchObject({ sub: "agent-1", iss: "host-1", aud: AUDIENCE });
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it("caps a longer requested lifetime at 60 s", async () => {
    const agent = await keys();
    const token = await signAgentJwt({ agentPrivateKey: agent.privateJwk, agentId: "a", audience: AUDIENCE, lifetimeSeconds: 3600 });
    const { payload } = await verify(token, agent);
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it("a fresh jti on every call", async () => {
    const agent = await keys();
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => signAgentJwt({ agentPrivateKey: agent.privateJwk, agentId: "a", audience: AUDIENCE })),
    );
    const jtis = await Promise.all(tokens.map(async (token) => (await verify(token, agent)).payload.jti));
    expect(new Set(jtis).size).toBe(50);
  });
});
