/**
 * A new merchant's first session, in headless Chromium, moving only by the
 * links and buttons the console shows (the one address typed is the
 * console's own `/`; the device link is the one the agent printed): sign in →
 * switch to the right store → create an API key (and use it) → read the API
 * docs → approve an agent on the device page → find it on the Agents page →
 * revoke it after confirming → the agent's next call is refused.
 */
import { sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryIdentityStorage } from "../../generated/sdk/index.js";
import { connectTestAgent } from "../agents/agent-test-kit.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let browser: TestBrowser;
let owner: StoreOwner;
let page: Page;
const SECOND_STORE = "Journey Outlet";

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp({ rateLimits: BUSY_MERCHANT }), launchBrowser()]);
  owner = await createStoreOwner(app.auth, "Journey Flagship");
  await app.auth.api.createOrganization({ body: { name: SECOND_STORE, slug: `journey-outlet-${Date.now()}`, userId: owner.userId } });
  page = await browser.context.newPage();
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await app?.close();
});

/** Follows a link or button the way a person would: waits until the page it leads to has loaded. */
async function follow(action: () => Promise<unknown>): Promise<void> {
  const navigated = page.waitForEvent("framenavigated", (frame) => frame === page.mainFrame());
  await action();
  await navigated;
  await page.waitForLoadState("load");
}

describe("a merchant's first session, by the console's own links", () => {
  it("signs in on the landing page and switches to the store to work on", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await follow(() => page.getByRole("button", { name: "Sign in" }).click());
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Commerce console");

    const outlet = await app.db.selectFrom("organization").select("id").where("name", "=", SECOND_STORE).executeTakeFirstOrThrow();
    await page.getByLabel("Switch to another of your stores").selectOption(outlet.id);
    await follow(() => page.getByRole("button", { name: "Switch store" }).click());
    expect(await page.locator(".store").textContent()).toContain(SECOND_STORE);
  });

  it("creates an API key for that store from the navigation, and the key works on /v1", async () => {
    await follow(() => page.getByRole("link", { name: "API keys" }).first().click());
    await page.getByLabel(/^Name/).fill("Journey key");
    await follow(() => page.getByRole("button", { name: "Create key" }).click());
    const secret = await page.getByLabel("Secret of “Journey key”").inputValue();
    const products = await fetch(`${app.baseUrl}/v1/products`, { headers: { "x-api-key": secret } });
    expect(products.status).toBe(200);
    // The key belongs to the store switched to, not the first one.
    // (name and metadata are Better Auth's columns, outside our typed schema)
    const keys = await sql<{ metadata: string }>`select metadata from apikey where name = ${"Journey key"}`.execute(app.db);
    const outlet = await app.db.selectFrom("organization").select("id").where("name", "=", SECOND_STORE).executeTakeFirstOrThrow();
    expect(keys.rows.map((key) => JSON.parse(key.metadata).organizationId)).toEqual([outlet.id]);
  });

  it("reads the API reference from the navigation", async () => {
    await follow(() => page.getByRole("link", { name: "Docs" }).first().click());
    expect(new URL(page.url()).pathname).toBe("/docs");
    await expect.poll(() => page.getByText("For AI agents").count(), { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it("approves an agent on the device page the agent pointed to, then revokes it from Agents after confirming", async () => {
    const connected = await connectTestAgent(app, ["listProducts", "createCart"], new MemoryIdentityStorage());
    const link = connected.approval?.verification_uri_complete;
    expect(link).toBeDefined();
    await page.goto(String(link));
    const outlet = await app.db.selectFrom("organization").select("id").where("name", "=", SECOND_STORE).executeTakeFirstOrThrow();
    await page.getByLabel("Store the agent will act for").selectOption(outlet.id);
    await follow(() => page.getByRole("button", { name: "Approve selected" }).click());
    await connected.agent.waitForApproval();
    expect((await connected.agent.client.GET("/v1/products")).response.status).toBe(200);

    await follow(() => page.getByRole("link", { name: "Agents" }).first().click());
    const section = page.getByRole("region").filter({ hasText: "Test agent" });
    await follow(() => section.getByRole("button", { name: /^Revoke agent/ }).click());
    expect(await page.getByRole("button", { name: /^Yes, revoke/ }).count()).toBe(1);
    await follow(() => page.getByRole("button", { name: /^Yes, revoke/ }).click());
    expect(await page.getByRole("status").textContent()).toMatch(/revoked/i);

    const after = (await connected.agent.client.GET("/v1/products")).response.status;
    expect([401, 403]).toContain(after);
  });
});
