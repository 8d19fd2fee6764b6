import { randomUUID } from "node:crypto";
import { importJWK, SignJWT } from "jose";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { type ConnectedAgent, connectTestAgent, decide } from "./agent-test-kit.js";

/*
 * Tokens addressed to the API (`aud` = `<origin>/v1`, as the SDK signs them)
 * are verified from cached agent facts; these tests pin what that cache may
 * never change: replays, audiences, and changes made behind the plugin's back.
 */
let app: TestApp;
let owner: StoreOwner;
let connected: ConnectedAgent;

beforeAll(async () => {
  app = await startTestApp();
  owner = await createStoreOwner(app.auth, "Fast Store");
  connected = await connectTestAgent(app, ["listProducts", "getProduct"]);
  await decide(app, owner, connected, "approve");
});

afterAll(async () => {
  await app?.close();
});

async function token(audience: string, overrides: { iat?: number } = {}): Promise<string> {
  const record = await connected.storage.load();
  const key = await importJWK({ ...record!.agent!.keys.privateJwk }, "EdDSA");
  const now = overrides.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA", typ: "agent+jwt" })
    .setSubject(connected.agent.session.agentId)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(key);
}

const products = (bearer: string) => fetch(`${app.baseUrl}/v1/products`, { headers: { authorization: `Bearer ${bearer}` } });

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { code?: string; error?: string }).code ?? "";
}

describe("agent JWTs addressed to the API", () => {
  it("are single use", async () => {
    const once = await token(`${app.baseUrl}/v1`);
    expect((await products(once)).status).toBe(200);
    const again = await products(once);
    expect(again.status).toBe(401);
    expect(await codeOf(again)).toBe("jti_replay");
    expect(again.headers.get("www-authenticate")).toContain("/.well-known/agent-configuration");
  });

  it("are refused when too old, and by the protocol endpoints (no token works on both sides)", async () => {
    const old = await token(`${app.baseUrl}/v1`, { iat: Math.floor(Date.now() / 1000) - 120 });
    expect(await codeOf(await products(old))).toBe("invalid_jwt");
    // The plugin's endpoints (all but execute, which we answer for such tokens) refuse the API audience.
    const apiToken = await token(`${app.baseUrl}/v1`);
    const requestMore = await fetch(`${app.baseUrl}/api/auth/agent/request-capability`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ capabilities: ["placeOrder"] }),
    });
    expect(requestMore.status).toBe(401);
  });

  it("see a grant revoked behind the plugin's back (another process, SQL) within the notification window", async () => {
    expect(
      (await connected.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: randomUUID() } } })).response.status,
    ).toBe(404);
    await app.db
      .updateTable("agentCapabilityGrant")
      .set({ status: "revoked" })
      .where("agentId", "=", connected.agent.session.agentId)
      .where("capability", "=", "getProduct")
      .execute();
    const deadline = Date.now() + 250;
    let status = 0;
    do {
      status = (await connected.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: randomUUID() } } })).response
        .status;
    } while (status !== 403 && Date.now() < deadline);
    expect(status).toBe(403);
  });

  it("ask the SDK to revive an agent whose session lapsed, which it does by itself", async () => {
    // The lapse plus a change the feed announces (a store pin rewritten as it was), as the plugin's cleanup would.
    await app.db
      .updateTable("agent")
      .set({ expiresAt: new Date(Date.now() - 1000), metadata: sql<string>`metadata` })
      .where("id", "=", connected.agent.session.agentId)
      .execute();
    // Within the notification window the cache learns of the change.
    const deadline = Date.now() + 250;
    let lapsed: Response;
    do lapsed = await products(await token(`${app.baseUrl}/v1`));
    while (lapsed.status !== 401 && Date.now() < deadline);
    expect(lapsed.status).toBe(401);
    expect(await codeOf(lapsed)).toBe("agent_expired");
    const revived = await connected.agent.client.GET("/v1/products");
    expect(revived.response.status).toBe(200);
  });
});
