import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/support/free-port.js";
import { SERVER_ARGS } from "../../scripts/support/server-command.js";

const root = path.resolve(import.meta.dirname, "../..");
let child: ChildProcess;
let output = "";
let baseUrl: string;
let dataDir: string;

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out; server output:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "commerce-smoke-"));
  const port = await freePort();
  baseUrl = `http://localhost:${port}`;
  // The real entry point with the embedded database: exactly what `npm start` runs, minus npm.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  delete env.BETTER_AUTH_URL;
  delete env.API_PUBLIC_URL;
  child = spawn(process.execPath, SERVER_ARGS, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  // A first start migrates and seeds: ~30 s on a quiet 2-core machine, several times that under load.
  await waitFor(() => output.includes("Commerce API on"), 150_000);
}, 160_000);

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start with the embedded database", () => {
  it("prints the URLs, the demo credentials and the seeded API keys", () => {
    expect(output).toContain(`${baseUrl}/v1/products`);
    expect(output).toContain("demo@example.com");
    expect(output).toMatch(/storefront API key: \S+/);
  });

  it("is live and ready", async () => {
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${baseUrl}/readyz`)).json()).toEqual({ status: "ready" });
  });

  it("serves the seeded catalog to the seeded storefront key over HTTP", async () => {
    const key = /storefront API key: (\S+)/.exec(output)![1]!;
    const response = await fetch(`${baseUrl}/v1/products?limit=5`, { headers: { "x-api-key": key } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { data: { sku: string }[]; next_cursor: string | null };
    expect(page.data).toHaveLength(5);
    expect(page.next_cursor).not.toBeNull();
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
