/*
 * Limits set with a CIBA approval (the inbox's form, over HTTP): written for
 * the store the approval pins, and their expiry reaches the grants the
 * approval activates (the plugin's resolveGrantTTL), not only the grants
 * active before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAgent, forgetAgent } from "../../../generated/sdk/index.js";
import { tenantOf } from "../../../src/db/tenant.js";
import { TenantScope } from "../../../src/db/tenant-scope.js";
import { readAgentLimits } from "../../../src/services/agent-limits/agent-limits.js";
import { signInCookie } from "../../support/merchant.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../../support/test-app.js";
import { connectTestAgent, decide } from "../agent-test-kit.js";
import { formSession, postForm } from "./page-forms.js";

let app: TestApp;
let owner: StoreOwner;

beforeAll(async () => {
  app = await startTestApp();
  owner = await createStoreOwner(app.auth, "Inbox Limits Store");
});

afterAll(async () => {
  await app?.close();
});

describe("limits with a CIBA approval", () => {
  it("are stored for the pinned store and end the newly approved grants at their expiry", async () => {
    const first = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, owner, first, "approve")).status).toBe(200);
    await first.agent.waitForApproval();
    await forgetAgent(first.storage);
    const agent = await connectAgent({
      baseUrl: app.baseUrl,
      name: "Inbox agent",
      hostName: "vitest",
      capabilities: ["listProducts", "createCart", "addCartItem"],
      storage: first.storage,
      preferredMethod: "ciba",
      wait: false,
    });
    const agentId = agent.session.agentId;

    const session = await formSession(app, await signInCookie(app, owner.email, owner.password), "/agents/approvals");
    const page = await fetch(`${app.baseUrl}/agents/approvals`, { headers: { cookie: session.cookie } }).then((response) =>
      response.text(),
    );
    const approvalId = /name="approval_id" value="([^"]+)"/.exec(page)?.[1] ?? "";
    expect(approvalId).not.toBe("");
    expect(page).toContain("Limits for this agent");

    const expiresAt = new Date(Date.now() + 3_600_000);
    const minute = expiresAt.toISOString().slice(0, 16);
    const approved = await postForm(app, session, "/agents/approvals", {
      approval_id: approvalId,
      organization_id: owner.organizationId,
      capabilities: "addCartItem",
      decision: "approve",
      limits: "1",
      limit_max_line_quantity: "2",
      limit_expires_at: minute,
    });
    expect(approved.status).toBe(303);

    const limits = await readAgentLimits(new TenantScope(app.db, tenantOf(owner.organizationId)), agentId);
    expect(limits).toMatchObject({ maxLineQuantity: 2, grantsExpireAt: new Date(`${minute}:00Z`), currency: null });
    const grants = await app.db
      .selectFrom("agentCapabilityGrant")
      .select(["capability", "expiresAt"])
      .where("agentId", "=", agentId)
      .where("status", "=", "active")
      .execute();
    expect(grants.map((grant) => grant.capability).sort()).toEqual(["addCartItem", "createCart", "listProducts"]);
    for (const grant of grants) {
      // The approved grant got it from resolveGrantTTL (whole seconds, rounded up); the others when the limits were written.
      expect(Math.abs(grant.expiresAt!.getTime() - new Date(`${minute}:00Z`).getTime()), grant.capability).toBeLessThanOrEqual(1_000);
    }
  });
});
