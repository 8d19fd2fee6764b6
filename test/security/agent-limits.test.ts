/*
 * Who may set an agent's limits, attacked over HTTP: another store's owner
 * (on /agents and on the approval page with the agent's own code), a plain
 * member who is not the agent's user, a cross-site form, a stale session
 * loosening them. Each refusal leaves the limits exactly as they were.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AgentConnection } from "../../generated/sdk/index.js";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { readAgentLimits } from "../../src/services/agent-limits/agent-limits.js";
import { connectTestAgent, decide } from "../agents/agent-test-kit.js";
import { adminKey, approvedShopper, setLimits, stockedProduct } from "../agents/limits/limits-kit.js";
import { formSession, postForm } from "../agents/limits/page-forms.js";
import { signInCookie } from "../support/merchant.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, TEST_PASSWORD, type TestApp } from "../support/test-app.js";

let app: TestApp;
let owner: StoreOwner;
let stranger: StoreOwner;
let agent: AgentConnection;

const LIMITS = { currency: "EUR", maxOrderAmount: 3000, maxLineQuantity: 2, budgetAmount: 10_000, budgetWindowSeconds: 86_400 };
/** The same limits as form fields. */
const FORM = {
  limits: "1",
  limit_currency: "EUR",
  limit_max_order: "30.00",
  limit_max_line_quantity: "2",
  limit_budget: "100.00",
  limit_budget_window: "24h",
};

beforeAll(async () => {
  app = await startTestApp({ rateLimits: BUSY_MERCHANT });
  owner = await createStoreOwner(app.auth, "Victim Store");
  stranger = await createStoreOwner(app.auth, "Attacker Store");
  agent = await approvedShopper(app, owner);
  // The store prices in EUR: limits in another currency would limit nothing.
  await stockedProduct(app, await adminKey(app, owner), 1000);
  // The stranger has an agent of their own, so their /agents page has forms (and a CSRF token).
  await approvedShopper(app, stranger);
});

afterAll(async () => {
  await app?.close();
});

beforeEach(async () => {
  await setLimits(app, owner, agent.session.agentId, LIMITS);
});

const currentLimits = () => readAgentLimits(new TenantScope(app.db, tenantOf(owner.organizationId)), agent.session.agentId);

async function asUser(email: string) {
  return formSession(app, await signInCookie(app, email, TEST_PASSWORD), "/agents");
}

describe("setting an agent's limits on /agents", () => {
  it("another store's owner: not found, nothing changed", async () => {
    const session = await asUser(stranger.email);
    const refused = await postForm(app, session, "/agents/limits", {
      ...FORM,
      agent_id: agent.session.agentId,
      limit_max_order: "",
      limit_budget: "",
    });
    expect(refused.status).toBe(404);
    expect(refused.text).toContain("Nothing was changed");
    expect(await currentLimits()).toMatchObject(LIMITS);
    // Their own store holds no limits row for it either.
    const theirs = await readAgentLimits(new TenantScope(app.db, tenantOf(stranger.organizationId)), agent.session.agentId);
    expect(theirs).toBeNull();
  });

  it("a plain member who is not the agent's user: refused, nothing changed", async () => {
    const { user } = await app.auth.api.signUpEmail({
      body: { email: `member-${Date.now()}@example.com`, password: TEST_PASSWORD, name: "Member" },
    });
    await app.auth.api.addMember({ body: { userId: user.id, organizationId: owner.organizationId, role: "member" } });
    await approvedShopper(app, { ...owner, userId: user.id, email: user.email });
    const session = await asUser(user.email);
    const refused = await postForm(app, session, "/agents/limits", { ...FORM, agent_id: agent.session.agentId, limit_budget: "" });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("own user or an owner/admin of its store can set its limits");
    expect(await currentLimits()).toMatchObject(LIMITS);
  });

  it("a form without this browser's CSRF token: refused", async () => {
    const session = await asUser(owner.email);
    const forged = await postForm(app, { ...session, token: "forged" }, "/agents/limits", {
      ...FORM,
      agent_id: agent.session.agentId,
      limit_budget: "",
    });
    expect(forged.status).toBe(403);
    expect(await currentLimits()).toMatchObject(LIMITS);
  });

  it("the owner tightens with any session; loosening needs a sign-in from the last 5 minutes", async () => {
    const session = await asUser(owner.email);
    await app.db
      .updateTable("session" as never)
      .set({ createdAt: new Date(Date.now() - 10 * 60_000) } as never)
      .where("userId" as never, "=", owner.userId as never)
      .execute();

    const tightened = await postForm(app, session, "/agents/limits", {
      ...FORM,
      agent_id: agent.session.agentId,
      limit_max_order: "20.00",
    });
    expect(tightened.status).toBe(303);
    expect((await currentLimits())?.maxOrderAmount).toBe(2000);

    const loosened = await postForm(app, session, "/agents/limits", { ...FORM, agent_id: agent.session.agentId, limit_budget: "" });
    expect(loosened.status).toBe(403);
    expect(loosened.text).toContain("sign in again");
    expect((await currentLimits())?.budgetAmount).toBe(10_000);

    const fresh = await asUser(owner.email);
    const accepted = await postForm(app, fresh, "/agents/limits", { ...FORM, agent_id: agent.session.agentId, limit_budget: "" });
    expect(accepted.status).toBe(303);
    expect(await currentLimits()).toMatchObject({ budgetAmount: null, maxOrderAmount: 3000 });
  });

  it("refuses invalid values with the reason, changing nothing", async () => {
    const session = await asUser(owner.email);
    for (const [fields, reason] of [
      [{ limit_max_order: "-5" }, "must be a positive amount"],
      [{ limit_max_line_quantity: "0" }, "whole number from 1 to 999"],
      [{ limit_currency: "XYZ" }, "not an ISO 4217 currency code"],
      [{ limit_currency: "USD" }, "prices its products in EUR, not USD"],
      [{ limit_expires_at: "2001-01-01T00:00" }, "must be in the future"],
    ] as const) {
      const refused = await postForm(app, session, "/agents/limits", { ...FORM, agent_id: agent.session.agentId, ...fields });
      expect(refused.status, reason).toBe(400);
      expect(refused.text).toContain(reason);
    }
    expect(await currentLimits()).toMatchObject(LIMITS);
  });
});

describe("setting limits with an approval", () => {
  it("another store's owner holding the agent's code cannot set them (nor approve for their store)", async () => {
    const connected = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, owner, connected, "approve")).status).toBe(200);
    const agentId = connected.agent.session.agentId;
    await app.db
      .updateTable("agent")
      .set({ metadata: JSON.stringify({ organizationId: owner.organizationId }) })
      .where("id", "=", agentId)
      .execute();
    await setLimits(app, owner, agentId, LIMITS);
    const requested = await fetch(`${app.baseUrl}/api/auth/agent/request-capability`, {
      method: "POST",
      headers: { authorization: `Bearer ${await connected.agent.session.createJwt()}`, "content-type": "application/json" },
      body: JSON.stringify({ capabilities: ["placeOrder"] }),
    });
    const code = ((await requested.json()) as { approval?: { user_code?: string } }).approval?.user_code ?? "";
    expect(code).not.toBe("");

    const devicePath = `/device/capabilities?agent_id=${agentId}&code=${code}`;
    const session = await formSession(app, await signInCookie(app, stranger.email, TEST_PASSWORD), devicePath);
    const refused = await postForm(app, session, "/device/capabilities", {
      ...FORM,
      agent_id: agentId,
      code,
      organization_id: stranger.organizationId,
      capabilities: "placeOrder",
      decision: "approve",
      limit_budget: "",
      limit_max_order: "",
    });
    expect(refused.status).toBe(403);
    const limits = await readAgentLimits(new TenantScope(app.db, tenantOf(owner.organizationId)), agentId);
    expect(limits).toMatchObject(LIMITS);
    const grant = await app.db
      .selectFrom("agentCapabilityGrant")
      .select("status")
      .where("agentId", "=", agentId)
      .where("capability", "=", "placeOrder")
      .executeTakeFirst();
    expect(grant?.status).toBe("pending");
  });
});
