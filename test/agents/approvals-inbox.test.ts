import { sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentConnection,
  ApprovalDeniedError,
  type ApprovalInfo,
  connectAgent,
  forgetAgent,
  type IdentityStorage,
} from "../../generated/sdk/index.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { captureLog } from "../support/capture-log.js";
import { signInCookie } from "../support/merchant.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { connectTestAgent, createProduct, decide } from "./agent-test-kit.js";

let app: TestApp;
let browser: TestBrowser;
let webhook: WebhookReceiver;
const log = captureLog();
let owner: StoreOwner;
let other: StoreOwner;
let product: { id: string };

beforeAll(async () => {
  webhook = await startWebhookReceiver();
  [app, browser] = await Promise.all([
    startTestApp({ approvalNotifications: { logger: log.logger, webhookUrl: webhook.url } }),
    launchBrowser(),
  ]);
  owner = await createStoreOwner(app.auth, "Inbox Store");
  other = await createStoreOwner(app.auth, "Someone Else's Store");
  product = await createProduct(app, owner, "IN-1");
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await webhook?.close();
});

interface WebhookBody {
  type: string;
  approval_id: string;
  method: string;
  user: { id: string; email: string | null };
  agent: { id: string; name: string; host_name: string | null };
  capabilities: { name: string; summary: string }[];
  binding_message: string | null;
  inbox_url: string;
}

async function signIn(page: Page, who: StoreOwner): Promise<void> {
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("CIBA approvals: notification and inbox (headless Chromium)", () => {
  let agent: AgentConnection;
  let approval: ApprovalInfo | undefined;
  let notice: WebhookBody;
  let storage: IdentityStorage;

  beforeAll(async () => {
    // A host the merchant trusts (its first agent was approved), then a new agent on it asking by CIBA.
    const first = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, owner, first, "approve")).status).toBe(200);
    await first.agent.waitForApproval();
    storage = first.storage;
    await forgetAgent(storage);
    agent = await connectAgent({
      baseUrl: app.baseUrl,
      name: "Inbox agent",
      hostName: "vitest",
      capabilities: ["listProducts", "createCart", "addCartItem"],
      storage,
      preferredMethod: "ciba",
      reason: "Refill the pantry before Friday",
      wait: false,
      onApproval: (info) => {
        approval = info;
      },
    });
  });

  it("the agent gets a CIBA approval (no code to show) and the addressed user is notified by log line and webhook", async () => {
    expect(agent.hostTrusted).toBe(true);
    expect(agent.registration.pending).toEqual(["addCartItem"]);
    expect(approval?.method).toBe("ciba");
    expect(approval?.user_code).toBeUndefined();

    await expect.poll(() => webhook.received.length).toBe(1);
    notice = webhook.received[0] as WebhookBody;
    expect(notice).toMatchObject({
      type: "agent.approval_requested",
      method: "ciba",
      user: { id: owner.userId, email: owner.email },
      agent: { id: agent.session.agentId, name: "Inbox agent", host_name: "vitest" },
      capabilities: [{ name: "addCartItem", summary: "Add an item to a cart" }],
      binding_message: 'Agent "Inbox agent" requesting approval',
      inbox_url: `${app.baseUrl}/agents/approvals`,
    });
    const line = log.lines.find((entry) => entry.notification === "agent.approval_requested");
    expect(line).toMatchObject({
      userId: owner.userId,
      agentId: agent.session.agentId,
      agentName: "Inbox agent",
      capabilities: ["addCartItem"],
      inboxUrl: `${app.baseUrl}/agents/approvals`,
    });
    // The email goes to the webhook (it must reach the person), never into logs.
    expect(JSON.stringify(line)).not.toContain(owner.email);
  });

  it("another user neither sees the request in their inbox nor can decide it", async () => {
    const cookie = await signInCookie(app, other.email, other.password);
    const inbox = await (await fetch(`${app.baseUrl}/agents/approvals`, { headers: { cookie } })).text();
    expect(inbox).toContain("No approval request is waiting for you.");
    expect(inbox).not.toContain("Inbox agent");

    // A valid form token for their browser (taken from the signed-out sign-in form, which sets the CSRF cookie).
    const signedOut = await fetch(`${app.baseUrl}/agents/approvals`);
    const csrfCookie = signedOut.headers
      .getSetCookie()
      .map((value) => value.split(";")[0])
      .join("; ");
    const token = /name="csrf" value="([^"]+)"/.exec(await signedOut.text())?.[1] ?? "";
    const attempt = await fetch(`${app.baseUrl}/agents/approvals`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${cookie}; ${csrfCookie}`, origin: app.baseUrl },
      body: new URLSearchParams({
        csrf: token,
        approval_id: notice.approval_id,
        decision: "approve",
        capabilities: "addCartItem",
        organization_id: other.organizationId,
      }),
      redirect: "manual",
    });
    expect(attempt.status).toBe(404);
    expect(await attempt.text()).toContain("not sent to you");
    const row = await app.db.selectFrom("approvalRequest").select("status").where("id", "=", notice.approval_id).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
  });

  it("the merchant finds it in the inbox with its binding message, re-confirms a stale sign-in, approves, and the agent's call succeeds", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.baseUrl}/agents`);
    await signIn(page, owner);
    await page.getByRole("link", { name: "Approval requests waiting for you: 1" }).click();

    const request = page.getByRole("region", { name: "Inbox agent" });
    await expect(request.count()).resolves.toBe(1);
    const text = (await request.textContent()) ?? "";
    expect(text).toContain('Agent "Inbox agent" requesting approval');
    expect(text).toContain("Refill the pantry before Friday");
    expect(text).toContain("vitest");
    expect(text).toContain("Inbox Store");
    const choice = request.getByRole("checkbox", { name: /addCartItem/ });
    await expect(choice.isChecked()).resolves.toBe(true);
    await expect(request.getByRole("group", { name: "Capabilities requested by Inbox agent" }).count()).resolves.toBe(1);

    // Before approving, the call is refused.
    const cart = await agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
    expect(cart.response.status).toBe(201);
    const before = await agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cart.data!.id } },
      body: { product_id: product.id, quantity: 1 },
    });
    expect(before.response.status).toBe(403);

    // Approvals need a sign-in from the last 5 minutes: age this one, and the page asks again.
    // What the merchant typed survives the sign-in (nothing re-ticked, no limit reset).
    await request.getByLabel("Largest quantity per cart line").fill("3");
    await sql`update "session" set "createdAt" = now() - interval '10 minutes' where "userId" = ${owner.userId}`.execute(app.db);
    await request.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("sign in again to confirm");
    await signIn(page, owner);
    await page.waitForURL(/\/agents\/approvals\?approval=/);
    const again = page.getByRole("region", { name: /^Inbox agent/ });
    await expect(again.getByLabel("Largest quantity per cart line").inputValue()).resolves.toBe("3");
    await expect(again.getByRole("checkbox", { name: /addCartItem/ }).isChecked()).resolves.toBe(true);
    await expect(again.getByText("as you left them").count()).resolves.toBe(1);

    await again.getByRole("button", { name: "Approve selected" }).click();
    await page.waitForURL(/notice=approved/);
    await expect(page.getByRole("status").textContent()).resolves.toContain("Approved: “Inbox agent”");
    await expect(page.getByRole("region", { name: /^Inbox agent/ }).count()).resolves.toBe(0);
    // What it can use now, read from its grants.
    const decided = page.getByRole("region", { name: /^Your decision on Inbox agent/ });
    await expect((await decided.getByRole("list", { name: "It can use now" }).textContent()) ?? "").toContain("addCartItem");
    const limits = await app.db
      .selectFrom("agent_limits")
      .select("max_line_quantity")
      .where("agent_id", "=", agent.session.agentId)
      .executeTakeFirstOrThrow();
    expect(limits.max_line_quantity).toBe(3);

    expect((await agent.waitForApproval()).pending).toEqual([]);
    const after = await agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cart.data!.id } },
      body: { product_id: product.id, quantity: 1 },
    });
    expect(after.response.status).toBe(200);
    await page.close();
  });

  it("denying from the inbox leaves the capability refused", async () => {
    await forgetAgent(storage);
    const denied = await connectAgent({
      baseUrl: app.baseUrl,
      name: "Deny agent",
      hostName: "vitest",
      capabilities: ["createCart", "addCartItem"],
      storage,
      preferredMethod: "ciba",
      wait: false,
    });
    await expect.poll(() => webhook.received.length).toBe(2);
    expect((webhook.received[1] as WebhookBody).agent.name).toBe("Deny agent");

    const page = await browser.context.newPage();
    await page.goto(`${app.baseUrl}/agents/approvals`);
    await page.getByRole("region", { name: "Deny agent" }).getByRole("button", { name: "Deny all" }).click();
    await page.waitForURL(/notice=denied/);
    await expect(page.getByRole("status").textContent()).resolves.toContain("Denied: “Deny agent” got nothing new.");
    const decided = page.getByRole("region", { name: /^Your decision on Deny agent/ });
    await expect((await decided.getByRole("list", { name: "Denied" }).textContent()) ?? "").toContain("addCartItem");
    await expect((await decided.getByRole("list", { name: "It can use now" }).textContent()) ?? "").not.toContain("addCartItem");
    await page.close();

    await expect(denied.waitForApproval()).rejects.toBeInstanceOf(ApprovalDeniedError);
    const cart = await denied.client.POST("/v1/carts", { body: { currency: "EUR" } });
    const item = await denied.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cart.data!.id } },
      body: { product_id: product.id, quantity: 1 },
    });
    expect(item.response.status).toBe(403);
  });
});
