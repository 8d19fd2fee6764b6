import { sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalDeniedError, type CapabilityName, connectAgent, MemoryIdentityStorage } from "../../generated/sdk/index.js";
import { userCodeFailures } from "../../src/agents/approvals/approval-code-failures.js";
import { agentLabel } from "../../src/pages/agents/agent-identity.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { type ConnectedAgent, connectTestAgent } from "./agent-test-kit.js";

let app: TestApp;
let browser: TestBrowser;
let owner: StoreOwner;

beforeAll(async () => {
  // The merchant signs in on the page more than five times a minute here.
  [app, browser] = await Promise.all([startTestApp({ rateLimits: BUSY_MERCHANT }), launchBrowser()]);
  owner = await createStoreOwner(app.auth, "Device Store");
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Opens the agent's link, signing in when the page asks. */
async function openLink(page: Page, url: string): Promise<void> {
  await page.goto(url);
  if ((await page.getByRole("button", { name: "Sign in" }).count()) > 0) await signIn(page);
}

async function grantStatuses(agentId: string): Promise<Record<string, string>> {
  const rows = await app.db.selectFrom("agentCapabilityGrant").select(["capability", "status"]).where("agentId", "=", agentId).execute();
  return Object.fromEntries(rows.map((row) => [row.capability, row.status]));
}

/** An SDK agent on a new host that states why it asks. */
async function connectWithReason(capabilities: readonly CapabilityName[], reason: string): Promise<ConnectedAgent> {
  let approval: ConnectedAgent["approval"];
  const storage = new MemoryIdentityStorage();
  const agent = await connectAgent({
    baseUrl: app.baseUrl,
    name: "Reasoned agent",
    hostName: "vitest",
    capabilities,
    storage,
    reason,
    wait: false,
    onApproval: (info) => {
      approval = info;
    },
  });
  return { agent, approval, storage };
}

describe("device authorization page (headless Chromium)", () => {
  it("signs the merchant in, shows the agent and its capabilities, approves the selected ones, and redirects to a plain result", async () => {
    const { agent, approval } = await connectTestAgent(app, ["listProducts", "addCartItem"]);
    const agentId = agent.session.agentId;
    const page = await browser.context.newPage();
    await page.goto(approval!.verification_uri_complete!);
    await signIn(page);

    await expect.poll(() => page.getByText(agentLabel("Test agent", agentId), { exact: true }).count()).toBe(1);
    await expect(page.getByText(/^vitest \(/).count()).resolves.toBe(1);
    const addItem = page.getByRole("checkbox", { name: /addCartItem/ });
    await expect(addItem.isChecked()).resolves.toBe(true);
    await expect(page.getByText("POST /v1/carts/{cart_id}/items").count()).resolves.toBe(1);
    await addItem.uncheck();
    await page.getByRole("button", { name: "Approve selected" }).click();

    // 303 to a result page that says what was approved and what was denied, in plain words.
    await page.waitForURL(/\/device\/capabilities\/result\?/);
    const result = async () => (await page.locator("main").textContent()) ?? "";
    await expect(page.getByRole("status").textContent()).resolves.toContain(
      `You approved ${agentLabel("Test agent", agentId)} for Device Store.`,
    );
    const granted = (await page.getByRole("list", { name: "It can use now" }).textContent()) ?? "";
    expect(granted).toContain("listProducts");
    expect(granted).not.toContain("addCartItem");
    const denied = (await page.getByRole("list", { name: "Denied" }).textContent()) ?? "";
    expect(denied).toContain("addCartItem");
    expect(denied).toContain("POST /v1/carts/{cart_id}/items");
    const before = await result();
    expect(before).not.toMatch(/capability_request|already_resolved|approval_not_pending/i);

    // Reloading reads again: no second approval, the same page.
    const statuses = await grantStatuses(agentId);
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    expect(reloaded?.request().method()).toBe("GET");
    await expect(result()).resolves.toBe(before);
    expect(await grantStatuses(agentId)).toEqual(statuses);

    // The agent wanted both: the unchecked one comes back denied.
    const denial = await agent.waitForApproval().catch((error: unknown) => error);
    expect(denial).toBeInstanceOf(ApprovalDeniedError);
    expect((denial as ApprovalDeniedError).deniedCapabilities).toEqual(["addCartItem"]);
    const products = await agent.client.GET("/v1/products");
    expect(products.response.status).toBe(200);
    // Unchecked means denied: the agent cannot add items.
    const cart = await agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: "00000000-0000-4000-8000-000000000000" } },
      body: { product_id: "00000000-0000-4000-8000-000000000000", quantity: 1 },
    });
    expect(cart.response.status).toBe(403);
    await page.close();
  });

  it("denying redirects to a result page; reloading it changes nothing", async () => {
    const { agent, approval } = await connectTestAgent(app, ["listProducts"]);
    const page = await browser.context.newPage();
    await openLink(page, approval!.verification_uri_complete!);
    await page.getByRole("button", { name: "Deny all" }).click();
    await page.waitForURL(/\/device\/capabilities\/result\?/);
    await expect(page.getByRole("status").textContent()).resolves.toContain(
      `You denied ${agentLabel("Test agent", agent.session.agentId)}: it got nothing new`,
    );
    await expect((await page.getByRole("list", { name: "Denied" }).textContent()) ?? "").toContain("listProducts");
    await page.reload();
    await expect(page.getByRole("status").textContent()).resolves.toContain("You denied");
    expect(await grantStatuses(agent.session.agentId)).toEqual({ listProducts: "denied" });
    await page.close();
  });

  it("after a stale sign-in, the merchant's choices (boxes and limits) come back exactly as left", async () => {
    const { agent, approval } = await connectTestAgent(app, ["listProducts", "addCartItem", "placeOrder"]);
    const agentId = agent.session.agentId;
    const page = await browser.context.newPage();
    await openLink(page, approval!.verification_uri_complete!);
    await page.getByRole("checkbox", { name: /placeOrder/ }).uncheck();
    await page.getByLabel("Largest quantity per cart line").fill("2");

    // Approvals need a sign-in from the last 5 minutes: age this one, and the page asks again.
    await sql`update "session" set "createdAt" = now() - interval '10 minutes' where "userId" = ${owner.userId}`.execute(app.db);
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("sign in again to confirm");
    expect(await grantStatuses(agentId)).toEqual({ listProducts: "pending", addCartItem: "pending", placeOrder: "pending" });
    await signIn(page);

    await expect.poll(() => page.getByRole("checkbox", { name: /placeOrder/ }).count()).toBe(1);
    await expect(page.getByRole("checkbox", { name: /placeOrder/ }).isChecked()).resolves.toBe(false);
    await expect(page.getByRole("checkbox", { name: /addCartItem/ }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole("checkbox", { name: /listProducts/ }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel("Largest quantity per cart line").inputValue()).resolves.toBe("2");
    await expect(page.getByRole("alert").textContent()).resolves.toContain("as you left them");

    await page.getByRole("button", { name: "Approve selected" }).click();
    await page.waitForURL(/\/device\/capabilities\/result\?/);
    expect(await grantStatuses(agentId)).toEqual({ listProducts: "active", addCartItem: "active", placeOrder: "denied" });
    const limits = await app.db
      .selectFrom("agent_limits")
      .select("max_line_quantity")
      .where("agent_id", "=", agentId)
      .executeTakeFirstOrThrow();
    expect(limits.max_line_quantity).toBe(2);
    await page.close();
  });

  it("a wrong code in the link can be corrected on the page; the wrong one counts once, reloads and the right one nothing", async () => {
    const { agent, approval } = await connectTestAgent(app, ["listProducts"]);
    const agentId = agent.session.agentId;
    const wrongLink = `${app.baseUrl}/device/capabilities?agent_id=${agentId}&code=AAAA-BBBB`;
    const page = await browser.context.newPage();
    await openLink(page, wrongLink);
    await page.waitForURL(/retry=code/);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("does not match");
    await expect(page.getByText("Test agent").count()).resolves.toBe(0);
    expect(await userCodeFailures(app.db, agentId)).toBe(1);
    await page.reload();
    await page.reload();
    expect(await userCodeFailures(app.db, agentId)).toBe(1);

    await page.getByLabel("Code shown by the agent").fill(approval!.user_code!.toLowerCase());
    await page.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => page.getByText(agentLabel("Test agent", agentId), { exact: true }).count()).toBe(1);
    expect(await userCodeFailures(app.db, agentId)).toBe(1);
    await page.getByRole("button", { name: "Approve selected" }).click();
    await page.waitForURL(/\/device\/capabilities\/result\?/);
    expect(await grantStatuses(agentId)).toEqual({ listProducts: "active" });
    await page.close();
  });

  it("shows the reason the agent gave, escaped", async () => {
    const reason = `Restock the shelves: 5 < 6 & "cheap" first`;
    const { agent, approval } = await connectWithReason(["listProducts", "addCartItem"], reason);
    const agentId = agent.session.agentId;
    const page = await browser.context.newPage();
    let dialogs = 0;
    page.on("dialog", (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    await openLink(page, approval!.verification_uri_complete!);
    await expect.poll(() => page.getByText(agentLabel("Reasoned agent", agentId), { exact: true }).count()).toBe(1);
    await expect(page.getByText(reason, { exact: true }).count()).resolves.toBe(1);
    // The plugin's own filler ("Capability not pre-authorized by host") is not passed off as the agent's.
    await expect(page.getByText("pre-authorized").count()).resolves.toBe(0);

    // The plugin strips tags from reasons; ours escapes whatever the column holds anyway.
    const markup = `<img src=x onerror="alert(1)"> buy shoes`;
    await app.db.updateTable("agentCapabilityGrant").set({ reason: markup }).where("agentId", "=", agentId).execute();
    await page.reload();
    await expect(page.getByText(markup, { exact: true }).count()).resolves.toBe(1);
    await expect(page.locator("main img").count()).resolves.toBe(0);
    expect(dialogs).toBe(0);
    await page.close();
  });
});
