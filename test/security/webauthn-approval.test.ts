/**
 * Approval strength over real HTTP: `adminRefundOrder` is marked
 * `x-agent-approval-strength: webauthn`, so a merchant's password session
 * alone must not grant it, by any of the plugin's routes. The positive path
 * (a real passkey in a browser) is test/agents/passkey-approval-browser.test.ts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectedAgent, connectTestAgent, createProduct, placeTestOrder } from "../agents/agent-test-kit.js";
import { signInCookie } from "../support/merchant.js";
import { BUSY_MERCHANT, createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let owner: StoreOwner;
let order: { id: string; total: { amount: number; currency: string } };

beforeAll(async () => {
  // Approvals here come in pairs (challenge, then assertion) from one address: more than 5 a minute.
  app = await startTestApp({ rateLimits: BUSY_MERCHANT });
  owner = await createStoreOwner(app.auth, "Refund Store");
  order = await placeTestOrder(app, owner, await createProduct(app, owner, "R-1"));
});

afterAll(async () => {
  await app?.close();
});

/** A JSON POST to Better Auth as the signed-in merchant (a browser would send the same Origin). */
async function post(path: string, cookie: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.baseUrl, cookie },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function approve(agent: ConnectedAgent, cookie: string, extra: Record<string, unknown> = {}) {
  return post("/agent/approve-capability", cookie, {
    agent_id: agent.agent.session.agentId,
    action: "approve",
    user_code: agent.approval!.user_code!,
    ...extra,
  });
}

async function grantStatus(agent: ConnectedAgent, capability: string): Promise<string[]> {
  const rows = await app.db
    .selectFrom("agentCapabilityGrant")
    .select("status")
    .where("agentId", "=", agent.agent.session.agentId)
    .where("capability", "=", capability)
    .execute();
  return rows.map((row) => row.status);
}

function refund(agent: ConnectedAgent) {
  return agent.agent.client.POST("/v1/admin/orders/{order_id}/refunds", {
    params: { path: { order_id: order.id }, header: { "Idempotency-Key": randomUUID() } },
    body: { amount: { amount: 100, currency: "EUR" } },
  });
}

/** The order as the store sees it, and how many refunds it has. */
async function orderState(): Promise<{ status: string; refunded: number; refunds: number }> {
  const key = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] });
  const response = await fetch(`${app.baseUrl}/v1/admin/orders/${order.id}`, { headers: { "x-api-key": key } });
  const body = (await response.json()) as { status: string; refunded_amount: { amount: number } };
  const refunds = await app.db.selectFrom("refunds").select("id").where("order_id", "=", order.id).execute();
  return { status: body.status, refunded: body.refunded_amount.amount, refunds: refunds.length };
}

/** A passkey row as registration would leave it (a random key: no assertion can match it); its credential id. */
async function storePasskey(userId: string): Promise<string> {
  const credentialId = randomBytes(16).toString("base64url");
  await app.db
    .insertInto("passkey")
    .values({
      id: randomUUID(),
      name: "laptop",
      userId,
      credentialID: credentialId,
      publicKey: randomBytes(77).toString("base64"),
      counter: 0,
      deviceType: "singleDevice",
      backedUp: false,
      transports: "internal",
      createdAt: new Date(),
      aaguid: null,
    })
    .execute();
  return credentialId;
}

/** What must hold after every refused attempt: nothing granted, the agent still refused, the order untouched. */
async function expectNothingGranted(agent: ConnectedAgent): Promise<void> {
  expect(await grantStatus(agent, "adminRefundOrder")).toEqual(["pending"]);
  const call = await refund(agent);
  expect(call.response.status).toBe(403);
  expect(await orderState()).toEqual({ status: "paid", refunded: 0, refunds: 0 });
}

describe("approving a webauthn capability with a password session", () => {
  it("is refused (403 webauthn_not_enrolled) while the merchant has no passkey; the grant stays pending", async () => {
    const agent = await connectTestAgent(app, ["listProducts", "adminRefundOrder"]);
    const cookie = await signInCookie(app, owner.email, owner.password);

    const all = await approve(agent, cookie);
    expect(all.status).toBe(403);
    expect(all.body).toMatchObject({ error: "webauthn_not_enrolled", message: expect.stringContaining("adminRefundOrder") });
    const listed = await approve(agent, cookie, { capabilities: ["adminRefundOrder"] });
    expect(listed).toMatchObject({ status: 403, body: { error: "webauthn_not_enrolled" } });
    await expectNothingGranted(agent);

    // The other capabilities still need only the session.
    expect((await approve(agent, cookie, { capabilities: ["listProducts"] })).status).toBe(200);
    expect((await agent.agent.client.GET("/v1/products")).response.status).toBe(200);
    expect((await refund(agent)).response.status).toBe(403);
    expect(await orderState()).toEqual({ status: "paid", refunded: 0, refunds: 0 });
  });

  it("with a passkey on file, gets a challenge and refuses anything but a valid assertion", async () => {
    const credentialId = await storePasskey(owner.userId);
    const agent = await connectTestAgent(app, ["listProducts", "adminRefundOrder"]);
    const cookie = await signInCookie(app, owner.email, owner.password);

    const challenged = await approve(agent, cookie);
    expect(challenged).toMatchObject({ status: 403, body: { error: "webauthn_required", message: expect.any(String) } });
    const options = challenged.body.webauthn_options as {
      challenge: string;
      rpId: string;
      userVerification: string;
      allowCredentials: { id: string }[];
    };
    expect(options).toMatchObject({ rpId: "127.0.0.1", userVerification: "required", allowCredentials: [{ id: credentialId }] });
    expect(options.challenge.length).toBeGreaterThanOrEqual(32);

    const forged = {
      id: credentialId,
      rawId: credentialId,
      type: "public-key",
      clientExtensionResults: {},
      response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" },
    };
    const refused = await approve(agent, cookie, { webauthn_response: forged });
    expect(refused).toMatchObject({ status: 403, body: { error: "webauthn_verification_failed", message: expect.any(String) } });
    // The challenge went with the failed attempt: the same assertion again finds none.
    const replayed = await approve(agent, cookie, { webauthn_response: forged });
    expect(replayed).toMatchObject({
      status: 403,
      body: { error: "webauthn_verification_failed", message: expect.stringContaining("expired or was already used") },
    });
    await expectNothingGranted(agent);
    await app.db.deleteFrom("passkey").where("userId", "=", owner.userId).execute();
  });

  it("cannot go around the approval: direct grants and host defaults refuse webauthn capabilities", async () => {
    const agent = await connectTestAgent(app, ["listProducts", "adminRefundOrder"]);
    const cookie = await signInCookie(app, owner.email, owner.password);
    const agentId = agent.agent.session.agentId;

    const granted = await post("/agent/grant-capability", cookie, { agent_id: agentId, capabilities: ["adminRefundOrder"] });
    // Refused by whichever guard speaks first (a pending agent takes no direct grants at all; see also grant-without-approval.test.ts).
    expect(granted.status).toBe(403);
    expect(["webauthn_approval_only", "grant_not_allowed"]).toContain(granted.body.error);
    const asObject = await post("/agent/grant-capability", cookie, { agent_id: agentId, capabilities: [{ name: "adminRefundOrder" }] });
    expect(asObject.status).toBe(403);

    const { hostId } = await app.db.selectFrom("agent").select("hostId").where("id", "=", agentId).executeTakeFirstOrThrow();
    const updated = await post("/host/update", cookie, { host_id: hostId, default_capabilities: ["listProducts", "adminRefundOrder"] });
    expect(updated.status).toBe(403);
    const created = await post("/host/create", cookie, { name: "sneaky", default_capabilities: ["adminRefundOrder"] });
    expect(created.status).toBe(403);
    expect(["webauthn_approval_only", "default_capability_not_allowed"]).toContain(created.body.error);
    await expectNothingGranted(agent);
  });
});

describe("changing one's passkeys", () => {
  it("once a user has a passkey, adding or removing one needs an assertion by it: a password session alone is refused", async () => {
    const merchant = await createStoreOwner(app.auth, "Passkey Owner");
    await storePasskey(merchant.userId);
    const cookie = await signInCookie(app, merchant.email, merchant.password);
    const [passkey] = await app.db.selectFrom("passkey").select("id").where("userId", "=", merchant.userId).execute();

    const registered = await post("/passkey/verify-registration", cookie, {
      response: { id: "attacker-key", response: {} },
      name: "thief",
    });
    expect(registered).toMatchObject({
      status: 403,
      body: { error: "webauthn_required", webauthn_options: { userVerification: "required" } },
    });
    const removed = await post("/passkey/delete-passkey", cookie, { id: passkey!.id });
    expect(removed).toMatchObject({ status: 403, body: { error: "webauthn_required" } });
    const forged = await post("/passkey/delete-passkey", cookie, {
      id: passkey!.id,
      webauthn_response: { id: "nope", type: "public-key", response: {} },
    });
    expect(forged).toMatchObject({ status: 403, body: { error: "webauthn_verification_failed" } });
    expect(await app.db.selectFrom("passkey").select("name").where("userId", "=", merchant.userId).execute()).toEqual([{ name: "laptop" }]);
  });

  it("passkeys are not a way to sign in: the plugin's passkey sign-in routes answer 404", async () => {
    const options = await fetch(`${app.baseUrl}/api/auth/passkey/generate-authenticate-options`);
    expect(options.status).toBe(404);
    const signIn = await fetch(`${app.baseUrl}/api/auth/passkey/verify-authentication`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.baseUrl },
      body: JSON.stringify({ response: { id: "x", response: {} } }),
    });
    expect(signIn.status).toBe(404);
    expect(signIn.headers.getSetCookie()).toEqual([]);
  });
});
