/**
 * The console in headless Chromium at a desktop (1280 px) and a phone
 * (390 px) width, driven by the keyboard only (Tab, Enter, typing): sign in,
 * landing, API keys, create a key, see its secret once, reload (gone, and
 * nothing created twice), revoke after confirming, sign out. axe-core checks
 * every page on the way: no serious or critical violation.
 */
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

let app: TestApp;
let browser: TestBrowser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp({ rateLimits: BUSY_MERCHANT }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The few DOM members the checks below read (the test project is type-checked without the DOM library). */
interface BrowserGlobals {
  readonly document: {
    readonly activeElement: {
      readonly tagName: string;
      readonly id: string;
      readonly textContent: string | null;
      getAttribute(name: string): string | null;
    } | null;
    querySelector(selector: string): { readonly textContent: string | null } | null;
  };
  readonly axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> };
}

/** What has the focus, as a person would name it: its tag, then its aria-label, label or text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    const element = document.activeElement;
    if (!element) return "";
    const label = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null;
    return [element.tagName.toLowerCase(), element.getAttribute("aria-label") ?? label ?? element.textContent ?? ""]
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
  });
}

/** Presses Tab until the focused element's description matches (at most 60 times). */
async function tabTo(page: Page, target: RegExp): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < 60; presses += 1) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (target.test(now)) return;
    seen.push(now);
  }
  throw new Error(`Tab never reached ${target}; went through: ${seen.join(" | ")}`);
}

/** Presses Enter on the focused control and waits for the page it leads to (the same URL or another). */
async function enterAndLoad(page: Page): Promise<void> {
  const navigated = page.waitForEvent("framenavigated", (frame) => frame === page.mainFrame());
  await page.keyboard.press("Enter");
  await navigated;
  await page.waitForLoadState("load");
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as BrowserGlobals;
    const result = await axe.run();
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => String(node.target)),
    }));
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.targets.join(", ")}`);
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page), page.url()).toEqual([]);
}

async function keyCount(owner: StoreOwner): Promise<number> {
  const rows = await app.db.selectFrom("apikey").select("id").where("referenceId", "=", owner.userId).execute();
  return rows.length;
}

for (const viewport of VIEWPORTS) {
  describe(`console by keyboard at ${viewport.width} px (${viewport.name})`, () => {
    let owner: StoreOwner;
    let page: Page;

    beforeAll(async () => {
      owner = await createStoreOwner(app.auth, `Keyboard Store ${viewport.width}`);
      await browser.context.clearCookies();
      page = await browser.context.newPage();
      // Our pages forbid inline scripts (CSP); axe-core arrives as one, so this tab lets it in (pages only load from now on).
      await (await browser.context.newCDPSession(page)).send("Page.setBypassCSP", { enabled: true });
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
    });

    afterAll(async () => {
      await page?.close();
    });

    it("signs in from the landing page, then reaches the API keys page from the navigation", async () => {
      await page.goto(`${app.baseUrl}/`);
      await expectAccessible(page);
      // The skip link comes first and lands in <main>.
      await page.keyboard.press("Tab");
      expect(await focused(page)).toBe("a Skip to main content");
      await page.keyboard.press("Enter");
      await tabTo(page, /^input Email$/);
      await page.keyboard.type(owner.email);
      await page.keyboard.press("Tab");
      await page.keyboard.type(owner.password);
      await enterAndLoad(page);
      expect(page.url()).toBe(`${app.baseUrl}/`);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Commerce console");
      expect(await page.getByText(`Store: ${owner.email}`).count()).toBe(0);
      expect(await page.locator(".store").textContent()).toContain(`Keyboard Store ${viewport.width}`);
      expect(await page.getByRole("link", { name: "Approvals (0 waiting)" }).count()).toBe(1);
      await expectAccessible(page);

      await tabTo(page, /^a API keys$/);
      await enterAndLoad(page);
      expect(page.url()).toBe(`${app.baseUrl}/account/api-keys`);
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe("API keys");
      await expectAccessible(page);
    });

    it("creates a key, shows its secret once, and a reload neither shows it again nor creates another", async () => {
      const before = await keyCount(owner);
      await tabTo(page, /^input Name/);
      await page.keyboard.type("Keyboard key");
      await tabTo(page, /^button Create key$/);
      await enterAndLoad(page);
      expect(page.url()).toMatch(/notice=key-created/);
      const secret = await page.getByLabel("Secret of “Keyboard key”").inputValue();
      expect(secret.length).toBeGreaterThan(20);
      expect(await keyCount(owner)).toBe(before + 1);
      await expectAccessible(page);
      expect((await fetch(`${app.baseUrl}/v1/products`, { headers: { "x-api-key": secret } })).status).toBe(200);

      await page.reload();
      expect(await page.content()).not.toContain(secret);
      expect(await page.getByLabel("Secret of “Keyboard key”").count()).toBe(0);
      expect(await keyCount(owner)).toBe(before + 1);
      expect(await page.getByRole("listitem").filter({ hasText: "Keyboard key" }).count()).toBe(1);
    });

    it("revokes the key after a confirmation step", async () => {
      const before = await keyCount(owner);
      await page.keyboard.press("Tab");
      await tabTo(page, /^a Revoke Keyboard key$/);
      await enterAndLoad(page);
      expect(page.url()).toMatch(/\/account\/api-keys\/revoke\?key=/);
      expect(await keyCount(owner)).toBe(before);
      await expectAccessible(page);
      await tabTo(page, /^button Revoke key$/);
      await enterAndLoad(page);
      expect(page.url()).toMatch(/notice=key-revoked/);
      expect(await page.getByRole("status").textContent()).toContain("was revoked");
      expect(await keyCount(owner)).toBe(before - 1);
      expect(await page.getByRole("listitem").filter({ hasText: "Keyboard key" }).count()).toBe(0);
    });

    it("the other pages share the header and pass axe", async () => {
      for (const path of ["/agents", "/agents/approvals", "/account/passkeys"]) {
        await page.goto(`${app.baseUrl}${path}`);
        expect(await page.getByRole("button", { name: "Sign out" }).count(), path).toBe(1);
        expect(await page.getByRole("main").count(), path).toBe(1);
        await expectAccessible(page);
      }
    });

    it("signs out with the keyboard: the next /agents asks to sign in", async () => {
      await page.goto(`${app.baseUrl}/`);
      await tabTo(page, /^button Sign out$/);
      await enterAndLoad(page);
      expect(page.url()).toBe(`${app.baseUrl}/`);
      expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
      await page.goto(`${app.baseUrl}/agents`);
      expect(await page.getByLabel("Password").count()).toBe(1);
      expect(await page.getByRole("region").count()).toBe(0);
    });

    it("the sign-in page refuses to send the browser to another site", async () => {
      await page.goto(`${app.baseUrl}/account/sign-in?return_to=${encodeURIComponent("//evil.example/phish")}`);
      await expectAccessible(page);
      await page.getByLabel("Email").fill(owner.email);
      await page.getByLabel("Password").fill(owner.password);
      await page.getByLabel("Password").focus();
      await enterAndLoad(page);
      expect(page.url()).toBe(`${app.baseUrl}/`);
      expect(new URL(page.url()).host).toBe(new URL(app.baseUrl).host);
      await page.goto(`${app.baseUrl}/account/sign-in?return_to=${encodeURIComponent("/account/api-keys")}`);
      expect(page.url()).toBe(`${app.baseUrl}/account/api-keys`);
    });
  });
}
