/*
 * The whole story over real HTTP between real processes: `npm start`'s entry
 * point (embedded database, seeded demo store), the example shopping agent
 * (scripts/shopping-agent.ts, generated SDK only) as a child process, and
 * the merchant approving in headless Debian Chromium on the device page.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/support/free-port.js";
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../src/app/seed-demo.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";

const root = path.resolve(import.meta.dirname, "../..");

/** A child process whose output is collected as it comes. */
class Child {
  output = "";
  readonly exited: Promise<number | null>;
  private readonly process: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.process = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    this.process.stdout!.on("data", (chunk) => (this.output += chunk));
    this.process.stderr!.on("data", (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.process.once("exit", resolve));
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (Date.now() > deadline || this.process.exitCode !== null) throw new Error(`no ${pattern} in:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  kill(): void {
    if (this.process.exitCode === null) this.process.kill("SIGKILL");
  }
}

let server: Child;
let browser: TestBrowser;
let baseUrl: string;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "commerce-e2e-"));
  const port = await freePort();
  baseUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: path.join(workDir, "data"), LOG_LEVEL: "warn" };
  for (const name of ["DATABASE_URL", "BETTER_AUTH_URL", "API_PUBLIC_URL"]) delete env[name];
  server = new Child(["src/main.ts"], env);
  [browser] = await Promise.all([launchBrowser(), server.waitFor(/Commerce API on/)]);
});

afterAll(async () => {
  server?.kill();
  await browser?.close();
  rmSync(workDir, { recursive: true, force: true });
});

function shoppingAgent(...extra: string[]): Child {
  return new Child(["scripts/shopping-agent.ts", "--base-url", baseUrl, "--identity", path.join(workDir, "agent.json"), ...extra], {
    ...process.env,
  });
}

/** The merchant opens the agent's link, signs in if asked, and approves everything requested. */
async function approveInBrowser(link: string): Promise<void> {
  const page = await browser.context.newPage();
  try {
    await page.goto(link);
    if ((await page.getByLabel("Password").count()) > 0) {
      await page.getByLabel("Email").fill(DEMO_EMAIL);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
    }
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 10_000 }).toMatch(/You approved .* for Demo Store\./);
  } finally {
    await page.close();
  }
}

describe("a shopping agent no one here wrote, end to end", () => {
  it("a new host waits for the merchant, is approved in the browser, and places an order", async () => {
    const agent = shoppingAgent();
    const [, link] = await agent.waitFor(/Open:\s+(\S+)/);
    expect(agent.output).toMatch(/Code:\s+[A-Z0-9]{4}-[A-Z0-9]{4}/);
    // Printed after the link (stdout arrives in chunks): wait for it rather than read it at once.
    await agent.waitFor(/New host: nothing works until the merchant approves it\./);
    await approveInBrowser(link!);
    expect(await agent.exited).toBe(0);
    expect(agent.output).toContain("Order placed:");
    expect(agent.output).toContain(`"status": "paid"`);
    // The identity file keeps private keys: owner-only.
    expect(statSync(path.join(workDir, "agent.json")).mode & 0o777).toBe(0o600);
  });

  it("a later agent of the trusted host browses before approval, then orders once approved", async () => {
    const agent = shoppingAgent("--new-agent");
    const [, link] = await agent.waitFor(/Open:\s+(\S+)/);
    await agent.waitFor(/Products \(\d+\):/);
    expect(agent.output).not.toContain("Order placed:");
    await approveInBrowser(link!);
    expect(await agent.exited).toBe(0);
    expect(agent.output).toContain("Order placed:");
  });
});
