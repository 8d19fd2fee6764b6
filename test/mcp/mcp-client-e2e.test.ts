/*
 * Issue #16's story end to end: an MCP client that knows only the server's
 * /mcp URL (the official SDK, OAuth included, in its own process:
 * fixtures/mcp-shopper.ts) connects to a running server over real HTTP;
 * the merchant approves it in headless Debian Chromium on the consent page
 * (a subset of the tools, a spending limit); the client browses, orders
 * with an Idempotency-Key, is refused over the limit and for a tool it was
 * not granted; the merchant revokes it on /agents and its next call fails.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_EMAIL, DEMO_PASSWORD, type DemoSeed, seedDemo } from "../../src/app/seed-demo.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { BUSY_MERCHANT, startTestApp, type TestApp } from "../support/test-app.js";

const root = path.resolve(import.meta.dirname, "../..");
const GRANTED = ["listProducts", "getProduct", "createCart", "addCartItem", "placeOrder"];

interface Step {
  readonly name: string;
  readonly detail: Record<string, unknown> & { isError?: boolean; structured?: Record<string, unknown>; text?: string };
}

class Shopper {
  output = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(mcpUrl: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", "test/mcp/fixtures/mcp-shopper.ts", mcpUrl], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout!.on("data", (chunk) => (this.output += chunk));
    this.child.stderr!.on("data", (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.child.once("exit", resolve));
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`no ${pattern} in:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  steps(): Map<string, Step["detail"]> {
    const steps = new Map<string, Step["detail"]>();
    for (const line of this.output.split("\n")) {
      if (!line.startsWith("STEP ")) continue;
      const step = JSON.parse(line.slice(5)) as Step;
      steps.set(step.name, step.detail);
    }
    return steps;
  }

  /** Its exit code; fails naming everything it printed if it has not exited within the timeout. */
  async exitCode(timeoutMs = 60_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the shopper did not exit within ${timeoutMs} ms; it printed:\n${this.output}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  proceed(): void {
    this.child.stdin!.write("go\n");
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

describe("any MCP client can shop, within what the merchant approved", () => {
  let app: TestApp;
  let seed: DemoSeed;
  let browser: TestBrowser;
  let shopper: Shopper | undefined;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ hostname: "localhost", rateLimits: BUSY_MERCHANT }), launchBrowser()]);
    seed = await seedDemo(app.auth, app.db);
  }, 120_000);
  afterAll(async () => {
    shopper?.kill();
    await browser?.close();
    await app?.close();
  });

  it("connects with only the URL, is approved in the browser, orders within the limit, is refused beyond it, and is cut off by a revoke", async () => {
    const cheapest = await app.db
      .selectFrom("products")
      .select(["price_amount"])
      .where("organization_id", "=", seed.organizationId)
      .orderBy("price_amount")
      .limit(1)
      .executeTakeFirstOrThrow();
    const limit = Number(cheapest.price_amount) * 3;

    shopper = new Shopper(`${app.baseUrl}/mcp`);
    const [, authorizeUrl] = await shopper.waitFor(/AUTHORIZE (\S+)/);
    const page = await browser.context.newPage();
    await page.goto(authorizeUrl!);
    await page.getByLabel("Email").fill(DEMO_EMAIL);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/oauth\/consent/);
    expect(await page.textContent("body")).toContain("Shopper (e2e)");
    // Read-only tools start checked; the merchant adds what ordering needs, and nothing else.
    for (const box of await page.locator('input[name="capabilities"]').all()) {
      const name = await box.getAttribute("value");
      if (await box.isEnabled()) await box.setChecked(GRANTED.includes(name ?? ""));
    }
    await page.getByLabel("Currency of the amounts").fill("EUR");
    await page.getByLabel("Largest order total").fill((limit / 100).toFixed(2));
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL(/127\.0\.0\.1:\d+\/callback/);
    expect(await page.textContent("body")).toContain("Connected");
    await page.close();

    await shopper.waitFor(/^READY$/m);
    const steps = shopper.steps();
    expect(steps.get("connected")).toMatchObject({ token: "bearer" });
    const tools = steps.get("tools") as unknown as { name: string; annotations: Record<string, boolean> }[];
    expect(tools.find((tool) => tool.name === "placeOrder")?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(tools.find((tool) => tool.name === "listProducts")?.annotations).toMatchObject({ readOnlyHint: true });
    expect(steps.get("listProducts")).toEqual({ count: 50 });
    expect(steps.get("getProduct")?.isError).toBe(false);
    expect(steps.get("addCartItem")?.isError).toBe(false);
    const order = steps.get("placeOrder") as unknown as { first: Step["detail"]; retried: Step["detail"] };
    expect(order.first.isError).toBe(false);
    expect(order.first.structured).toMatchObject({ status: "paid" });
    expect(order.retried.structured?.id).toBe(order.first.structured?.id);
    const overLimit = steps.get("placeOrder over the limit")!;
    expect(overLimit.isError).toBe(true);
    expect(overLimit.structured).toMatchObject({ code: "order_total_limit_exceeded" });
    expect(steps.get("listOrders (not granted)")).toMatchObject({ isError: true, structured: { code: "capability_not_granted" } });
    expect(steps.get("listOrders (not granted)")?.text).toContain("consent page");
    const placed = await app.db.selectFrom("orders").select("id").where("organization_id", "=", seed.organizationId).execute();
    expect(placed).toHaveLength(1);

    // The merchant sees the client beside other agents and revokes it there.
    const agents = await browser.context.newPage();
    await agents.goto(`${app.baseUrl}/agents`);
    expect(await agents.textContent("body")).toContain("Shopper (e2e) (MCP)");
    const connection = await app.db.selectFrom("mcp_connections").select("agent_id").executeTakeFirstOrThrow();
    await agents.goto(`${app.baseUrl}/agents/revoke?agent_id=${connection.agent_id}`);
    await agents.getByRole("button", { name: /Yes, revoke/ }).click();
    // Closing the page before the POST is answered could cancel the revoke: wait for the page it leads to.
    await agents.getByText(/was revoked/).waitFor();
    await agents.close();

    shopper.proceed();
    expect(await shopper.exitCode()).toBe(0);
    expect(shopper.steps().get("after revocation")).toEqual({ refused: "unauthorized" });
    // MCP_TRANSCRIPT=<file>: keep what the client saw (for notes and docs).
    if (process.env.MCP_TRANSCRIPT) writeFileSync(process.env.MCP_TRANSCRIPT, shopper.output);
  }, 180_000);
});
