/**
 * Approving a `webauthn` capability in a real browser: headless Chromium
 * with a virtual authenticator (Chrome DevTools Protocol), so registration
 * and assertion are the browser's own WebAuthn, checked by the server.
 * The app's base URL is http://localhost:PORT: WebAuthn needs a secure
 * context (localhost is one) and a host name as RP ID (not 127.0.0.1).
 */
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAgent, forgetAgent } from "../../generated/sdk/index.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { BUSY_MERCHANT, createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { type ConnectedAgent, connectTestAgent, createProduct, decide, placeTestOrder } from "./agent-test-kit.js";

let app: TestApp;
let browser: TestBrowser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp({ hostname: "localhost", rateLimits: BUSY_MERCHANT }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A signed-out page with its own virtual authenticator: internal (platform), resident keys, user verification always passes. */
async function pageWithAuthenticator(): Promise<Page> {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return page;
}

async function signIn(page: Page, merchant: StoreOwner): Promise<void> {
  await page.getByLabel("Email").fill(merchant.email);
  await page.getByLabel("Password").fill(merchant.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

function refund(agent: Pick<ConnectedAgent, "agent">, orderId: string) {
  return agent.agent.client.POST("/v1/admin/orders/{order_id}/refunds", {
    params: { path: { order_id: orderId }, header: { "Idempotency-Key": randomUUID() } },
    body: { amount: { amount: 100, currency: "EUR" } },
  });
}

async function refundedAmount(owner: StoreOwner, orderId: string): Promise<number> {
  const key = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["admin"] });
  const response = await fetch(`${app.baseUrl}/v1/admin/orders/${orderId}`, { headers: { "x-api-key": key } });
  return ((await response.json()) as { refunded_amount: { amount: number } }).refunded_amount.amount;
}

describe("approving with a passkey (headless Chromium, virtual authenticator)", () => {
  it("a merchant registers a passkey from the approval page's link, approves adminRefundOrder with it, and the agent refunds", async () => {
    const owner = await createStoreOwner(app.auth, "Passkey Store");
    const order = await placeTestOrder(app, owner, await createProduct(app, owner, "P-1"));
    const connected = await connectTestAgent(app, ["listProducts", "adminRefundOrder"]);
    const page = await pageWithAuthenticator();

    await page.goto(connected.approval!.verification_uri_complete!);
    await signIn(page, owner);
    // No passkey yet: the capability is marked, cannot be ticked, and the page says where to get one.
    const refundBox = page.getByRole("checkbox", { name: /adminRefundOrder/ });
    await expect.poll(() => refundBox.isDisabled()).toBe(true);
    await expect(page.getByText("needs your passkey").count()).resolves.toBe(1);
    await page.getByRole("link", { name: "Register a passkey" }).click();

    await expect.poll(() => page.getByRole("heading", { name: "Passkeys", exact: true }).count()).toBe(1);
    await expect(page.getByText("You have no passkey yet.").count()).resolves.toBe(1);
    await page.getByLabel(/Name/).fill("Test authenticator");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect.poll(() => page.getByText("Test authenticator").count()).toBe(1);
    const stored = await app.db.selectFrom("passkey").select(["name", "counter"]).where("userId", "=", owner.userId).execute();
    expect(stored).toMatchObject([{ name: "Test authenticator" }]);

    await page.getByRole("link", { name: "Back to the approval" }).click();
    await expect.poll(() => refundBox.isChecked()).toBe(true);
    await expect(refundBox.isDisabled()).resolves.toBe(false);
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("list", { name: "It can use now" }).textContent()).toContain("adminRefundOrder");

    const approved = await connected.agent.waitForApproval();
    expect(approved.pending).toEqual([]);
    const grants = await app.db
      .selectFrom("agentCapabilityGrant")
      .select(["capability", "status"])
      .where("agentId", "=", connected.agent.session.agentId)
      .execute();
    expect(grants.find((grant) => grant.capability === "adminRefundOrder")?.status).toBe("active");
    const refunded = await refund(connected, order.id);
    expect(refunded.response.status).toBe(201);
    expect(await refundedAmount(owner, order.id)).toBe(100);
    await page.close();
  });

  it("a merchant without a passkey approves the other capabilities; the webauthn one is not granted", async () => {
    const owner = await createStoreOwner(app.auth, "Password Store");
    const order = await placeTestOrder(app, owner, await createProduct(app, owner, "P-2"));
    const connected = await connectTestAgent(app, ["listProducts", "adminRefundOrder"]);
    const page = await pageWithAuthenticator();

    await page.goto(connected.approval!.verification_uri_complete!);
    await signIn(page, owner);
    await expect.poll(() => page.getByRole("note").textContent()).toContain("needs a passkey, and you have none yet");
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("list", { name: "It can use now" }).textContent()).toContain("listProducts");

    expect((await connected.agent.client.GET("/v1/products")).response.status).toBe(200);
    expect((await refund(connected, order.id)).response.status).toBe(403);
    expect(await refundedAmount(owner, order.id)).toBe(0);
    await page.close();
  });

  it("in the CIBA inbox too: the merchant approves adminRefundOrder with the passkey registered on /account/passkeys", async () => {
    const owner = await createStoreOwner(app.auth, "Inbox Passkey Store");
    const order = await placeTestOrder(app, owner, await createProduct(app, owner, "P-3"));
    const page = await pageWithAuthenticator();
    await page.goto(`${app.baseUrl}/account/passkeys`);
    await signIn(page, owner);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^Remove/ }).count()).toBe(1);

    // A host the merchant trusts, then a new agent on it asking for the refund capability by CIBA.
    const first = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, owner, first, "approve")).status).toBe(200);
    await first.agent.waitForApproval();
    await forgetAgent(first.storage);
    const agent = await connectAgent({
      baseUrl: app.baseUrl,
      name: "Refund agent",
      hostName: "vitest",
      capabilities: ["listProducts", "adminRefundOrder"],
      storage: first.storage,
      preferredMethod: "ciba",
      wait: false,
    });
    expect(agent.registration.pending).toEqual(["adminRefundOrder"]);

    await page.goto(`${app.baseUrl}/agents/approvals`);
    const section = page.getByRole("region", { name: "Refund agent" });
    await expect.poll(() => section.getByText("needs your passkey").count()).toBe(1);
    await section.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Approved");

    await agent.waitForApproval();
    expect((await refund({ agent }, order.id)).response.status).toBe(201);
    expect(await refundedAmount(owner, order.id)).toBe(100);
    await page.close();
  });

  it("removing a passkey is confirmed with a passkey (the page answers the server's challenge)", async () => {
    const owner = await createStoreOwner(app.auth, "Removal Store");
    const page = await pageWithAuthenticator();
    await page.goto(`${app.baseUrl}/account/passkeys`);
    await signIn(page, owner);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^Remove/ }).count()).toBe(1);

    await page.getByRole("button", { name: /^Remove/ }).click();
    await expect.poll(() => page.getByText("You have no passkey yet.").count()).toBe(1);
    expect(await app.db.selectFrom("passkey").select("id").where("userId", "=", owner.userId).execute()).toEqual([]);
    await page.close();
  });
});
