import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalDeniedError } from "../../generated/sdk/index.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { connectTestAgent } from "./agent-test-kit.js";

let app: TestApp;
let browser: TestBrowser;
let owner: StoreOwner;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  owner = await createStoreOwner(app.auth, "Device Store");
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("device authorization page (headless Chromium)", () => {
  it("signs the merchant in, shows the agent and its capabilities, and approves the selected ones", async () => {
    const { agent, approval } = await connectTestAgent(app, ["listProducts", "addCartItem"]);
    const page = await browser.context.newPage();
    await page.goto(approval!.verification_uri_complete!);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect.poll(() => page.getByText("Test agent", { exact: true }).count()).toBe(1);
    await expect(page.getByText("vitest", { exact: true }).count()).resolves.toBe(1);
    const addItem = page.getByRole("checkbox", { name: /addCartItem/ });
    await expect(addItem.isChecked()).resolves.toBe(true);
    await expect(page.getByText("POST /v1/carts/{cart_id}/items").count()).resolves.toBe(1);
    await addItem.uncheck();
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("listProducts");

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
});
