import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoGrantedCapabilities, capabilities } from "../../generated/capabilities.js";
import { changesData } from "../../src/agents/plugin/plugin-capabilities.js";
import { agentLabel, shortId } from "../../src/pages/agents/agent-identity.js";
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

  /** The agent's section, named by its name and short id. */
  const region = () => page.getByRole("region", { name: agentLabel("Test agent", connected.agent.session.agentId) });

  it("asks to sign in, then lists the approved agent with its short id, host, store and grants", async () => {
    await signIn(page, "/agents");
    const agent = region();
    await expect(agent.count()).resolves.toBe(1);
    const text = (await agent.textContent()) ?? "";
    expect(text).toContain("active");
    expect(text).toContain(connected.agent.session.agentId);
    const hostId = (
      await app.db.selectFrom("agent").select("hostId").where("id", "=", connected.agent.session.agentId).executeTakeFirstOrThrow()
    ).hostId!;
    expect(text).toContain(`vitest (${shortId(hostId)})`);
    expect(text).toContain("Agents Page Store");
    expect(text).toMatch(/Connected\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(text).toContain("Last used");
    const grants = agent.getByRole("list", { name: "Granted capabilities" });
    await expect(grants.getByRole("listitem").count()).resolves.toBe(4);
    const grantsText = (await grants.textContent()) ?? "";
    expect(grantsText).toContain("addCartItem");
    expect(grantsText).toContain("POST /v1/carts/{cart_id}/items");
    expect(grantsText).toContain("Get a product");
    // The host this agent runs on is linked to the merchant by the approval.
    await expect(page.getByRole("listitem").filter({ hasText: "1 agent" }).count()).resolves.toBe(1);
  });

  it("says what a trusted host's new agents really get without approval, from the capability registry", async () => {
    const hosts = (await page.locator("p.meta", { hasText: "A host is the program" }).textContent()) ?? "";
    expect(hosts).not.toContain("read-only capabilities at once");
    for (const name of autoGrantedCapabilities) expect(hosts).toContain(name);
    const writes = autoGrantedCapabilities.filter((name) => changesData(capabilities[name]));
    expect(writes).toContain("createCart");
    // The ones that change data are named as such, with their method and path.
    expect(hosts).toContain("changing data");
    for (const name of writes) expect(hosts).toContain(`${name} (`);
    expect(hosts).toContain("POST /v1/carts");
    // Each host says what its own new agents get.
    const host = page.getByRole("listitem").filter({ hasText: "1 agent" });
    await expect(host.textContent()).resolves.toContain("Its new agents get without asking you: listProducts");
  });

  it("revoking one grant refuses that operation on the agent's next call; the others still work", async () => {
    expect(
      (await connected.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } })).response.status,
    ).toBe(200);

    const label = agentLabel("Test agent", connected.agent.session.agentId);
    await page.getByRole("button", { name: `Revoke getProduct from ${label}` }).click();
    // A confirmation step first: nothing is revoked yet, and cancelling keeps it.
    await page.waitForURL(/\/agents\/revoke-capability\?/);
    await expect(page.getByText(`Revoke getProduct from ${label}`).count()).resolves.toBe(1);
    expect(
      (await connected.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } })).response.status,
    ).toBe(200);
    await page.getByRole("link", { name: "Cancel, keep it" }).click();
    await page.waitForURL(`${app.baseUrl}/agents`);
    await expect(region().getByRole("list", { name: "Granted capabilities" }).getByText("getProduct").count()).resolves.toBe(1);

    await page.getByRole("button", { name: `Revoke getProduct from ${label}` }).click();
    await page.getByRole("button", { name: "Yes, revoke getProduct" }).click();
    await page.waitForURL(/notice=capability-revoked/);
    await expect(page.getByRole("status").textContent()).resolves.toContain("getProduct was revoked from “Test agent”");
    const grants = region().getByRole("list", { name: "Granted capabilities" });
    await expect(grants.getByText("getProduct").count()).resolves.toBe(0);

    const refused = await connected.agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } });
    expect(refused.response.status).toBe(403);
    expect(codeOf(refused)).toBe("capability_not_granted");
    expect((await connected.agent.client.GET("/v1/products")).response.status).toBe(200);
  });

  it("revoking the agent asks for confirmation, then refuses its next call with agent_revoked", async () => {
    const label = agentLabel("Test agent", connected.agent.session.agentId);
    await page.getByRole("button", { name: `Revoke agent ${label}` }).click();
    await page.waitForURL(/\/agents\/revoke\?/);
    const confirmation = (await page.locator("main").textContent()) ?? "";
    expect(confirmation).toContain(`Revoke ${label}?`);
    expect(confirmation).toContain(connected.agent.session.agentId);
    expect(confirmation).toContain("cannot be undone");
    // Reloading the confirmation changes nothing.
    await page.reload();
    expect((await connected.agent.client.GET("/v1/products")).response.status).toBe(200);

    await page.getByRole("button", { name: `Yes, revoke ${label}` }).click();
    await page.waitForURL(/notice=agent-revoked/);
    await expect(page.getByRole("status").textContent()).resolves.toContain("“Test agent” was revoked");
    await expect(region().count()).resolves.toBe(0);
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
      body: new URLSearchParams({ agent_id: victim.agent.session.agentId, csrf: "forged", confirm: "yes" }),
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
    // Their confirmation page for the owner's agent shows nothing of it.
    for (const path of [
      `/agents/revoke?agent_id=${victim.agent.session.agentId}`,
      `/agents/revoke-capability?agent_id=${victim.agent.session.agentId}&capability=listProducts`,
    ]) {
      const confirmation = await fetch(`${app.baseUrl}${path}`, { headers: { cookie: otherCookie } });
      expect(confirmation.status).toBe(404);
      const body = await confirmation.text();
      expect(body).not.toContain(shortId(victim.agent.session.agentId));
      expect(body).not.toContain('name="confirm"');
    }
    const refused = await fetch(`${app.baseUrl}/agents/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${otherCookie}; ${csrfCookie}`, origin: app.baseUrl },
      body: new URLSearchParams({ agent_id: victim.agent.session.agentId, csrf: token, confirm: "yes" }),
      redirect: "manual",
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("You cannot revoke that agent");
    expect((await victim.agent.client.GET("/v1/products")).response.status).toBe(200);
  });

  it("a one-click revoke POST (valid token, no confirmation) only leads to the confirmation page", async () => {
    const target = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, owner, target, "approve")).status).toBe(200);
    const cookie = await signInCookie(app, owner.email, owner.password);
    const pageResponse = await fetch(`${app.baseUrl}/agents`, { headers: { cookie } });
    const csrfCookie = pageResponse.headers
      .getSetCookie()
      .map((value) => value.split(";")[0])
      .join("; ");
    const token = /name="csrf" value="([^"]+)"/.exec(await pageResponse.text())?.[1] ?? "";
    for (const [path, extra] of [
      ["/agents/revoke", {}],
      ["/agents/revoke-capability", { capability: "listProducts" }],
    ] as const) {
      const oneClick = await fetch(`${app.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${cookie}; ${csrfCookie}`, origin: app.baseUrl },
        body: new URLSearchParams({ agent_id: target.agent.session.agentId, csrf: token, ...extra }),
        redirect: "manual",
      });
      expect(oneClick.status).toBe(303);
      expect(oneClick.headers.get("location")).toContain(`${path}?agent_id=${target.agent.session.agentId}`);
    }
    expect((await target.agent.client.GET("/v1/products")).response.status).toBe(200);
    const grant = await app.db
      .selectFrom("agentCapabilityGrant")
      .select("status")
      .where("agentId", "=", target.agent.session.agentId)
      .where("capability", "=", "listProducts")
      .executeTakeFirstOrThrow();
    expect(grant.status).toBe("active");
  });

  it("tells two agents of the same name apart, and shows what a partial approval denied", async () => {
    const first = await connectTestAgent(app, ["listProducts", "addCartItem", "placeOrder"]);
    const second = await connectTestAgent(app, ["listProducts"]);
    expect((await decide(app, owner, first, "approve", ["listProducts", "addCartItem"])).status).toBe(200);
    expect((await decide(app, owner, second, "approve")).status).toBe(200);
    await page.goto(`${app.baseUrl}/agents`);
    const one = page.getByRole("region", { name: agentLabel("Test agent", first.agent.session.agentId) });
    const two = page.getByRole("region", { name: agentLabel("Test agent", second.agent.session.agentId) });
    await expect(one.count()).resolves.toBe(1);
    await expect(two.count()).resolves.toBe(1);
    expect(shortId(first.agent.session.agentId)).not.toBe(shortId(second.agent.session.agentId));
    // Each on its own host, both named "vitest": the host's short id tells them apart too.
    const hostOf = async (agentId: string) =>
      (await app.db.selectFrom("agent").select("hostId").where("id", "=", agentId).executeTakeFirstOrThrow()).hostId!;
    await expect(one.textContent()).resolves.toContain(`vitest (${shortId(await hostOf(first.agent.session.agentId))})`);
    await expect(two.textContent()).resolves.toContain(`vitest (${shortId(await hostOf(second.agent.session.agentId))})`);

    const granted = (await one.getByRole("list", { name: "Granted capabilities" }).textContent()) ?? "";
    expect(granted).toContain("addCartItem");
    expect(granted).not.toContain("placeOrder");
    const denied = (await one.getByRole("list", { name: "Denied capabilities" }).textContent()) ?? "";
    expect(denied).toContain("placeOrder");
    expect(denied).toContain("POST /v1/orders");
    expect(denied).not.toContain("addCartItem");
    await expect(two.getByRole("list", { name: "Denied capabilities" }).count()).resolves.toBe(0);
  });
});
