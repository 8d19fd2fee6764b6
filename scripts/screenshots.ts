/**
 * Screenshots of every console page at a desktop (1280 px) and a phone
 * (390 px) width, into docs/screenshots/ (or --out). Starts the real
 * application on a fresh in-memory database (as the tests do, see
 * test/support/test-app.ts), a store owner with two stores and a key, and
 * headless Debian Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 *
 *   npx tsx scripts/screenshots.ts [--out docs/screenshots]
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/support/browser.js";
import { BUSY_MERCHANT, createStoreOwner, startTestApp } from "../test/support/test-app.js";

const { values } = parseArgs({ options: { out: { type: "string", default: "docs/screenshots" } } });
const out = path.resolve(values.out);

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

const app = await startTestApp({ rateLimits: BUSY_MERCHANT });
const browser = await launchBrowser();
try {
  mkdirSync(out, { recursive: true });
  const owner = await createStoreOwner(app.auth, "Demo Store");
  await app.auth.api.createOrganization({ body: { name: "Second Store", slug: `second-${Date.now()}`, userId: owner.userId } });
  await app.auth.api.createApiKey({
    body: { userId: owner.userId, name: "Web shop", metadata: { organizationId: owner.organizationId, scopes: ["storefront"] } },
  });
  const written: string[] = [];

  for (const viewport of VIEWPORTS) {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.setViewportSize(viewport);
    const shoot = async (name: string, pagePath?: string): Promise<void> => {
      if (pagePath) await page.goto(`${app.baseUrl}${pagePath}`);
      const file = path.join(out, `${name}-${viewport.width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(path.relative(process.cwd(), file));
    };

    await shoot("landing-signed-out", "/");
    await shoot("sign-in", "/account/sign-in");
    await submit(page, async () => {
      await page.getByLabel("Email").fill(owner.email);
      await page.getByLabel("Password").fill(owner.password);
      await page.getByRole("button", { name: "Sign in" }).click();
    });
    // Work in the owner's first store (the landing page's switcher lists both).
    await page.goto(`${app.baseUrl}/`);
    await submit(page, async () => {
      await page.getByLabel("Switch to another of your stores").selectOption({ label: "Demo Store (owner or admin)" });
      await page.getByRole("button", { name: "Switch store" }).click();
    });
    await shoot("landing", "/");
    await shoot("api-keys", "/account/api-keys");
    await submit(page, async () => {
      await page.getByLabel("Name").fill(`Back office ${viewport.width}`);
      await page.getByRole("button", { name: "Create key" }).click();
    });
    await shoot("api-keys-new-key");
    await submit(page, () => page.getByRole("link", { name: `Revoke Back office ${viewport.width}` }).click());
    await shoot("api-keys-revoke");
    await submit(page, () => page.getByRole("button", { name: "Revoke key" }).click());
    await shoot("agents", "/agents");
    await shoot("approvals", "/agents/approvals");
    await shoot("passkeys", "/account/passkeys");
    await page.close();
  }
  console.log(`wrote ${written.length} screenshots:\n  ${written.join("\n  ")}`);
} finally {
  await browser.close();
  await app.close();
}

/** Runs an action that submits a form or follows a link, and waits for the page it leads to. */
async function submit(page: Page, action: () => Promise<unknown>): Promise<void> {
  const navigated = page.waitForEvent("framenavigated", (frame) => frame === page.mainFrame());
  await action();
  await navigated;
  await page.waitForLoadState("load");
}
