import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { signInCookie } from "../support/merchant.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { type ConnectedAgent, connectTestAgent, createProduct, decide } from "./agent-test-kit.js";

let app: TestApp;
let browser: TestBrowser;
let owner: StoreOwner;
let product: { id: string };

beforeAll(async () => {
  // Its merchants sign in (page and API) more than five times a minute.
  [app, browser] = await Promise.all([startTestApp({ rateLimits: BUSY_MERCHANT }), launchBrowser()]);
  owner = await createStoreOwner(app.auth, "Agents Page Store");
  product = await createProduct(app, owner, "AP-1");
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The problem code of a refused SDK call. */
function codeOf(result: { error?: unknown }): unknown {
  return (result.error as { code?: unknown } | undefined)?.code;
}

async function signIn(page: Page, path: string): Promise<void> {
  await page.goto(`${app.baseUrl}${path}`);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${app.baseUrl}${path}`);
}

describe("connected agents page (headless Chromium)", () => {
  let connected: ConnectedAgent;
  let page: Page;

  beforeAll(async () => {
    connected = await connectTestAgent(app, ["listProducts", "getProduct", "createCart", "addCartItem"]);
    expect((await decide(app, owner, connected, "approve")).status).toBe(200);
    await connected.agent.waitForApproval();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await page?.close();
  });

  it("asks to sign in, then lists the approved agent with its host, store and grants", async () => {
    await signIn(page, "/agents");
    const agent = page.getByRole("region", { name: "Test agent" });
    await expect(agent.count()).resolves.toBe(1);
    const text = (await agent.textContent()) ?? "";
    expect(text).toContain("active");
    expect(text).toContain("vitest");
    expect(text).toContain("Agents Page Store");
    const grants = agent.getByRole("list", { name: "Granted capabilities" });
    await expect(grants.getByRole("listitem").count()).resolves.toBe(4);
    const grantsText = (await grants.textContent()) ?? "";
    expect(grantsText).toContain("addCartItem");
    expect(grantsText).toContain("POST /v1/carts/{cart_id}/items");
    expect(grantsText).toContain("Get a product");
    // The host this agent runs on is linked to the merchant by the approval.
    await expect(page.getByRole("listitem").filter({ hasText: "1 agent" }).count()).resolves.toBe(1);
  });

  it("revoking one grant refuses that operation on the agent's next call; the others still work", async () => {
    expect(
      (await connected.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } })).response.status,
    ).toBe(200);

    await page.getByRole("button", { name: "Revoke getProduct from Test agent" }).click();
    await page.waitForURL(/notice=capability-revoked/);
    await expect(page.getByRole("status").textContent()).resolves.toContain("getProduct was revoked from “Test agent”");
    const grants = page.getByRole("region", { name: "Test agent" }).getByRole("list", { name: "Granted capabilities" });
    await expect(grants.getByText("getProduct").count()).resolves.toBe(0);

    const refused = await connected.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } });
    expect(refused.response.status).toBe(403);
    expect(codeOf(refused)).toBe("capability_not_granted");
    expect((await connected.agent.client.GET("/v1/products")).response.status).toBe(200);
  });

  it("revoking the agent refuses its next call with agent_revoked", async () => {
    await page.getByRole("button", { name: "Revoke agent Test agent" }).click();
    await page.waitForURL(/notice=agent-revoked/);
    await expect(page.getByRole("status").textContent()).resolves.toContain("“Test agent” was revoked");
    await expect(page.getByRole("region", { name: "Test agent" }).count()).resolves.toBe(0);
    await expect(page.getByText("Revoked and rejected agents (1)").count()).resolves.toBe(1);

    const refused = await connected.agent.client.GET("/v1/products");
    expect(refused.response.status).toBe(403);
    expect(codeOf(refused)).toBe("agent_revoked");
  });

  it("refuses a revocation without this browser's CSRF token, and another user's agent", async () => {
    const victim = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, owner, victim, "approve")).status).toBe(200);
    const other = await createStoreOwner(app.auth, "Other Store");

    // A cross-site form: the owner's cookies would ride along, the token cannot.
    const ownerCookie = await signInCookie(app, owner.email, owner.password);
    const forged = await fetch(`${app.baseUrl}/agents/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: ownerCookie, origin: app.baseUrl },
      body: new URLSearchParams({ agent_id: victim.agent.session.agentId, csrf: "forged" }),
      redirect: "manual",
    });
    expect(forged.status).toBe(403);

    // Another merchant, with a valid token of their own (they have an agent, so their page has forms): the plugin's ownership check refuses.
    const theirs = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, other, theirs, "approve")).status).toBe(200);
    const otherCookie = await signInCookie(app, other.email, other.password);
    const pageResponse = await fetch(`${app.baseUrl}/agents`, { headers: { cookie: otherCookie } });
    const html = await pageResponse.text();
    expect(html).not.toContain(victim.agent.session.agentId);
    const csrfCookie = pageResponse.headers
      .getSetCookie()
      .map((cookie) => cookie.split(";")[0])
      .join("; ");
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(token).not.toBe("");
    const refused = await fetch(`${app.baseUrl}/agents/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${otherCookie}; ${csrfCookie}`, origin: app.baseUrl },
      body: new URLSearchParams({ agent_id: victim.agent.session.agentId, csrf: token }),
      redirect: "manual",
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("You cannot revoke that agent");
    expect((await victim.agent.client.GET("/v1/products")).response.status).toBe(200);
  });
});
