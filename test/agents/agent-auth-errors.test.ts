import { randomUUID } from "node:crypto";
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideOverHttp, signInCookie } from "../support/merchant.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, TEST_PASSWORD, type TestApp } from "../support/test-app.js";
import { type ConnectedAgent, connectTestAgent, decide } from "./agent-test-kit.js";

let app: TestApp;
let owner: StoreOwner;
/** An approved agent of `owner`'s store. */
let approved: ConnectedAgent;

beforeAll(async () => {
  // Its merchants sign in and approve over HTTP more than five times a minute.
  app = await startTestApp({ rateLimits: BUSY_MERCHANT });
  owner = await createStoreOwner(app.auth, "Errors Store");
  approved = await connectTestAgent(app, ["listProducts", "getProduct", "placeOrder"]);
  await decide(app, owner, approved, "approve");
  await approved.agent.waitForApproval();
});

afterAll(async () => {
  await app?.close();
});

/** Signs an agent JWT by hand, to break one rule at a time. */
async function handMadeJwt(connected: ConnectedAgent, claims: { iat?: number; exp?: number; aud?: string; typ?: string }): Promise<string> {
  const record = await connected.storage.load();
  const key = await importJWK({ ...record!.agent!.keys.privateJwk }, "EdDSA");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA", typ: claims.typ ?? "agent+jwt" })
    .setSubject(connected.agent.session.agentId)
    .setAudience(claims.aud ?? app.baseUrl)
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 60)
    .setJti(randomUUID())
    .sign(key);
}

async function listProducts(bearer: string): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const response = await fetch(`${app.baseUrl}/v1/products`, { headers: { authorization: `Bearer ${bearer}` } });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    challenge: response.headers.get("www-authenticate"),
  };
}

describe("agent JWT failures are 401 problem+json pointing at discovery", () => {
  it("accepts a well-formed token (control)", async () => {
    expect((await listProducts(await handMadeJwt(approved, {}))).status).toBe(200);
  });

  it("refuses an expired token", async () => {
    const past = Math.floor(Date.now() / 1000) - 600;
    const result = await listProducts(await handMadeJwt(approved, { iat: past, exp: past + 60 }));
    expect(result).toMatchObject({ status: 401, body: { code: "invalid_jwt" } });
    expect(result.challenge).toBe(`AgentAuth discovery="${app.baseUrl}/.well-known/agent-configuration"`);
  });

  it("refuses a replayed token", async () => {
    const token = await handMadeJwt(approved, {});
    expect((await listProducts(token)).status).toBe(200);
    expect(await listProducts(token)).toMatchObject({ status: 401, body: { code: "jti_replay" } });
  });

  it("refuses a token for another audience, of the wrong type, or signed by another key", async () => {
    expect((await listProducts(await handMadeJwt(approved, { aud: "https://elsewhere.example" }))).status).toBe(401);
    expect((await listProducts(await handMadeJwt(approved, { typ: "JWT" }))).status).toBe(401);
    const stranger = await connectTestAgent(app, ["listProducts"]);
    const forged = (await handMadeJwt(stranger, {})).split(".");
    const genuine = (await handMadeJwt(approved, {})).split(".");
    // The approved agent's claims with the stranger's signature.
    expect((await listProducts(`${genuine[0]}.${genuine[1]}.${forged[2]}`)).status).toBe(401);
  });

  it("tells a caller with no credentials where agents discover the API", async () => {
    const response = await fetch(`${app.baseUrl}/v1/products`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain(`AgentAuth discovery="${app.baseUrl}/.well-known/agent-configuration"`);
  });
});

describe("revocation takes effect on the next request", () => {
  it("revoking one grant refuses that operation only; revoking the agent refuses everything", async () => {
    const agent = await connectTestAgent(app, ["listProducts", "getProduct"]);
    await decide(app, owner, agent, "approve");
    const cookie = await signInCookie(app, owner.email, owner.password);
    const post = (path: string, body: unknown) =>
      fetch(`${app.baseUrl}/api/auth${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.baseUrl, cookie },
        body: JSON.stringify(body),
      });

    expect((await post("/agent/revoke-capability", { agent_id: agent.agent.session.agentId, capabilities: ["getProduct"] })).status).toBe(
      200,
    );
    const product = await agent.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: randomUUID() } } });
    expect(product.response.status).toBe(403);
    expect((await agent.agent.client.GET("/v1/products")).response.status).toBe(200);

    expect((await post("/agent/revoke", { agent_id: agent.agent.session.agentId })).status).toBe(200);
    const after = await agent.agent.client.GET("/v1/products");
    expect(after.response.status).toBe(403);
    expect((after.error as { code?: string }).code).toBe("agent_revoked");
  });
});

describe("approval rules", () => {
  it("a plain member cannot approve admin capabilities; an owner can", async () => {
    const email = `member-${randomUUID()}@example.com`;
    const { user } = await app.auth.api.signUpEmail({ body: { email, password: TEST_PASSWORD, name: "Member" } });
    await app.auth.api.addMember({ body: { userId: user.id, organizationId: owner.organizationId, role: "member" } });
    const agent = await connectTestAgent(app, ["listProducts", "adminCancelOrder"]);
    const memberCookie = await signInCookie(app, email, TEST_PASSWORD);
    const refused = await decideOverHttp(app, memberCookie, {
      agent_id: agent.agent.session.agentId,
      action: "approve",
      user_code: agent.approval!.user_code!,
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: "admin_approval_requires_admin" });
    expect(String(refused.body.message)).toContain("adminCancelOrder");
    expect((await decide(app, owner, agent, "approve")).status).toBe(200);
  });

  it("five wrong user codes close the request", async () => {
    const agent = await connectTestAgent(app, ["listProducts"]);
    const cookie = await signInCookie(app, owner.email, owner.password);
    const attempt = (code: string) =>
      decideOverHttp(app, cookie, { agent_id: agent.agent.session.agentId, action: "approve", user_code: code });
    for (let i = 0; i < 5; i++) expect((await attempt("ZZZZ-ZZZZ")).body.error).toBe("invalid_user_code");
    const closed = await attempt(agent.approval!.user_code!);
    expect(closed).toMatchObject({ status: 403, body: { error: "user_code_attempts_exceeded" } });
    expect((await agent.agent.client.GET("/v1/products")).response.status).toBe(403);
  });

  it("an approval from a stale sign-in is refused with a truthful 403 (the plugin alone answers 200)", async () => {
    const agent = await connectTestAgent(app, ["listProducts"]);
    const cookie = await signInCookie(app, owner.email, owner.password);
    await app.db
      .updateTable("session" as never)
      .set({ createdAt: new Date(Date.now() - 3_600_000) } as never)
      .where("userId" as never, "=", owner.userId as never)
      .execute();
    const stale = await decideOverHttp(app, cookie, {
      agent_id: agent.agent.session.agentId,
      action: "approve",
      user_code: agent.approval!.user_code!,
    });
    expect(stale).toMatchObject({ status: 403, body: { error: "fresh_session_required" } });
  });
});

describe("the agent's store", () => {
  it("a user with several stores must pin one; the pinned store is the tenant", async () => {
    const multi = await createStoreOwner(app.auth, "First Store");
    const second = await app.auth.api.createOrganization({
      body: { name: "Second Store", slug: `second-${randomUUID()}`, userId: multi.userId },
    });
    const agent = await connectTestAgent(app, ["listProducts"]);
    await decide(app, multi, agent, "approve");
    const unpinned = await agent.agent.client.GET("/v1/products");
    expect(unpinned.response.status).toBe(403);
    expect((unpinned.error as { code?: string }).code).toBe("organization_required");

    await app.db
      .updateTable("agent")
      .set({ metadata: JSON.stringify({ organizationId: second!.id }) })
      .where("id", "=", agent.agent.session.agentId)
      .execute();
    expect((await agent.agent.client.GET("/v1/products")).response.status).toBe(200);

    // Leaving the pinned store ends the agent's access there. Written straight to the database, so this
    // process learns it from the member table's NOTIFY (on PostgreSQL, a few milliseconds later: the window).
    await app.db.deleteFrom("member").where("organizationId", "=", second!.id).where("userId", "=", multi.userId).execute();
    await expect
      .poll(async () => ((await agent.agent.client.GET("/v1/products")).error as { code?: string } | undefined)?.code, { timeout: 2_000 })
      .toBe("organization_membership_ended");
  });
});
