/*
 * The merchant's side of limits in headless Chromium: the approval page says
 * what the agent asked for in plain words, refuses a looser value, takes a
 * budget and a largest order total with the approval; /agents shows them and
 * changes them. The agent's next order meets them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantOf } from "../../../src/db/tenant.js";
import { TenantScope } from "../../../src/db/tenant-scope.js";
import { readAgentLimits } from "../../../src/services/agent-limits/agent-limits.js";
import { launchBrowser, type TestBrowser } from "../../support/browser.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../../support/test-app.js";
import { connectTestAgent, decide } from "../agent-test-kit.js";
import { adminKey, agentCart, placeByAgent, stockedProduct } from "./limits-kit.js";

let app: TestApp;
let browser: TestBrowser;
let owner: StoreOwner;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  owner = await createStoreOwner(app.auth, "Limits Page Store");
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("limits on the merchant's pages (headless Chromium)", () => {
  it("approval shows the requested limits, refuses a looser one, sets a budget and a largest total; /agents shows and edits them", async () => {
    const product = await stockedProduct(app, await adminKey(app, owner), 2500); // 25.00 EUR
    const connected = await connectTestAgent(app, ["listProducts", "getProduct", "createCart", "getCart"]);
    expect((await decide(app, owner, connected, "approve")).status).toBe(200);
    const { agent } = connected;
    const agentId = agent.session.agentId;
    const requested = await fetch(`${app.baseUrl}/api/auth/agent/request-capability`, {
      method: "POST",
      headers: { authorization: `Bearer ${await agent.session.createJwt()}`, "content-type": "application/json" },
      body: JSON.stringify({
        capabilities: [
          { name: "addCartItem", constraints: { quantity: { max: 3 } } },
          { name: "placeOrder", constraints: { total_amount: { max: 5000 }, currency: "EUR" } },
        ],
      }),
    });
    const code = ((await requested.json()) as { approval?: { user_code?: string } }).approval?.user_code;
    expect(code).toBeTruthy();

    const page = await browser.context.newPage();
    await page.goto(`${app.baseUrl}/device/capabilities?agent_id=${agentId}&code=${code}`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect.poll(() => page.getByText("orders up to 50.00 EUR").count()).toBe(1);
    await expect(page.getByText("at most 3 units per cart line (addCartItem)").count()).resolves.toBe(1);
    // Filled with what the agent asked for; the merchant tries a looser maximum.
    await expect(page.getByLabel("Largest order total").inputValue()).resolves.toBe("50.00");
    await page.getByLabel("Largest order total").fill("80.00");
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("The agent itself asked for orders up to 50.00 EUR");
    const stillPending = await app.db
      .selectFrom("agentCapabilityGrant")
      .select("status")
      .where("agentId", "=", agentId)
      .where("capability", "=", "placeOrder")
      .executeTakeFirst();
    expect(stillPending?.status).toBe("pending");

    await page.getByLabel("Largest order total").fill("40.00");
    await page.getByLabel("Budget: orders may add up to").fill("100.00");
    await page.getByLabel("Budget period").selectOption("24h");
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("list", { name: "It can use now" }).textContent()).toContain("placeOrder");
    const scope = new TenantScope(app.db, tenantOf(owner.organizationId));
    expect(await readAgentLimits(scope, agentId)).toMatchObject({
      currency: "EUR",
      maxOrderAmount: 4000,
      budgetAmount: 10_000,
      budgetWindowSeconds: 86_400,
      maxLineQuantity: 3,
    });

    // The agent's next order meets them: 50.00 EUR is within what it asked for, above the merchant's 40.00.
    const refused = await placeByAgent(agent, await agentCart(agent, product.id, 2));
    expect(refused.error).toMatchObject({ code: "order_total_limit_exceeded" });

    await page.goto(`${app.baseUrl}/agents`);
    await expect.poll(() => page.getByText("orders up to 40.00 EUR").count()).toBe(1);
    await expect(page.getByText("a budget of 100.00 EUR per 24 hours").count()).resolves.toBe(1);
    await page.getByText("Change the limits of Test agent").click();
    await page.getByLabel("Largest quantity per cart line").fill("2");
    await page.getByRole("button", { name: "Save the limits of Test agent" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("were saved");
    await expect(page.getByText("at most 2 units per cart line", { exact: true }).count()).resolves.toBe(1);

    // Looser than the agent asked for is refused on /agents too, and nothing changes.
    await page.getByText("Change the limits of Test agent").click();
    await page.getByLabel("Largest order total").fill("60.00");
    await page.getByRole("button", { name: "Save the limits of Test agent" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("orders up to 50.00 EUR");
    expect(await readAgentLimits(scope, agentId)).toMatchObject({ maxOrderAmount: 4000, maxLineQuantity: 2 });
    await page.close();
  });
});
