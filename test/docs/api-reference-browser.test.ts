/*
 * /docs in headless Chromium with the network cut off: every request to
 * another origin is aborted and recorded, and the page must still render the
 * operation list (Redoc is inlined) and the agent section, without a single
 * such request and without a Content-Security-Policy violation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let browser: TestBrowser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the API reference (headless Chromium, offline)", () => {
  it("renders every operation and the agent section from this server alone", async () => {
    const origin = new URL(app.baseUrl).origin;
    const external: string[] = [];
    await browser.context.route("**", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      external.push(url);
      return route.abort("blockedbyclient");
    });
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(`${app.baseUrl}/docs`, { waitUntil: "networkidle" });
    const document = (await (await fetch(`${app.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary: string; tags: string[] }>>;
      tags: { name: string }[];
    };
    const operations = Object.values(document.paths).flatMap((item) =>
      Object.entries(item).flatMap(([method, operation]) =>
        ["get", "post", "put", "patch", "delete"].includes(method) ? [operation] : [],
      ),
    );
    expect(operations.length).toBeGreaterThanOrEqual(18);
    // Redoc 3 lists a tag's operations in the sidebar when the tag is opened (hash routing: no request).
    for (const tag of document.tags.map((entry) => entry.name)) {
      await page.getByRole("link", { name: tag, exact: true }).first().click();
      for (const operation of operations.filter((candidate) => candidate.tags[0] === tag)) {
        await expect
          .poll(() => page.getByText(operation.summary, { exact: true }).count(), { message: operation.summary })
          .toBeGreaterThan(0);
      }
    }
    await expect.poll(() => page.getByText("For AI agents").count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText("/.well-known/agent-configuration").count()).toBeGreaterThan(0);

    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
