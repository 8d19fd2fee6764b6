/*
 * The SDK as a consumer gets it: `npm run sdk:pack`'s tarball, installed in a
 * project outside the repository (os.tmpdir()), used by plain Node (no tsx,
 * no loader, the project's own module resolution) against the real server.
 * The agent it runs is the README's example, docs/examples/agent-quickstart.mjs,
 * so the README cannot show code that does not work.
 *
 * Installing without a registry: the tarball is extracted into
 * node_modules/<name> and its two dependencies are symlinked from this
 * repository's node_modules, which is what `npm install <tarball>` ends with
 * when they are already there. Running npm itself would need its cache to hold
 * openapi-fetch and jose (or the network), and could write into the linked
 * folders, i.e. into this repository's node_modules.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PackedSdk, packSdk } from "../../scripts/sdk-pack.js";
import { createProduct } from "../agents/agent-test-kit.js";
import { decideOverHttp, signInCookie } from "../support/merchant.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLE = path.join(ROOT, "docs/examples/agent-quickstart.mjs");

let app: TestApp;
let owner: StoreOwner;
let product: string;
let work: string;
let project: string;
let packed: PackedSdk;
let manifest: { name: string; dependencies: Record<string, string> };

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "packed-sdk-"));
  packed = await packSdk(path.join(work, "out"));

  project = path.join(work, "consumer");
  const installed = path.join(project, "node_modules", packed.name);
  await mkdir(installed, { recursive: true });
  await run("tar", ["-xzf", packed.tarball, "-C", installed, "--strip-components=1"]);
  manifest = JSON.parse(await readFile(path.join(installed, "package.json"), "utf8"));
  // Its dependencies, and Node's types for the type-check below, from this repository.
  for (const name of [...Object.keys(manifest.dependencies), "@types/node"]) {
    await mkdir(path.dirname(path.join(project, "node_modules", name)), { recursive: true });
    await symlink(path.join(ROOT, "node_modules", name), path.join(project, "node_modules", name), "dir");
  }
  await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await copyFile(EXAMPLE, path.join(project, "agent-quickstart.mjs"));

  app = await startTestApp({ rateLimits: BUSY_MERCHANT });
  owner = await createStoreOwner(app.auth);
  await createProduct(app, owner, "PACKED-1");
  product = "Product PACKED-1: 12 EUR";
});
afterAll(async () => {
  await app?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The example in a child Node, in the consumer project; its output as it comes. */
function runExample() {
  const child: ChildProcess = spawn(process.execPath, ["agent-quickstart.mjs", app.baseUrl], {
    cwd: project,
    // Nothing of vitest's (loaders, NODE_OPTIONS): a consumer's plain Node.
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    /** Resolves with the first match of `pattern` in stdout. */
    async waitFor(pattern: RegExp): Promise<RegExpExecArray> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const match = pattern.exec(stdout);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`no ${pattern} in the example's output:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async result() {
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}

async function approveAs(body: { agent_id: string; action: "approve" | "deny"; user_code?: string }) {
  const cookie = await signInCookie(app, owner.email, owner.password);
  const decision = await decideOverHttp(app, cookie, body);
  expect(decision.status, JSON.stringify(decision.body)).toBe(200);
}

async function storedAgentId(): Promise<string> {
  const record = JSON.parse(await readFile(path.join(project, ".data/agent.json"), "utf8")) as { agent?: { id: string } };
  return record.agent!.id;
}

describe("the packed SDK in a project outside the repository", () => {
  it("the README shows the example verbatim", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(`\`\`\`js\n${await readFile(EXAMPLE, "utf8")}\`\`\``);
  });

  it("ships compiled JavaScript and types only, importing nothing but itself, Node and its declared dependencies", async () => {
    expect(packed.name).toBe("commerce-api-sdk");
    expect(packed.files).toContain("dist/index.js");
    expect(packed.files).toContain("dist/index.d.ts");
    expect(packed.files.filter((file) => !/^dist\/.+\.(?:js|d\.ts)$/.test(file))).toEqual(["package.json"]);
    // Dependencies are the versions this repository pins and tests with.
    const home = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).toEqual({
      jose: `^${home.dependencies.jose}`,
      "openapi-fetch": `^${home.dependencies["openapi-fetch"]}`,
    });

    const dist = path.join(project, "node_modules", packed.name, "dist");
    const outside = new Set<string>();
    for (const file of (await readdir(dist, { recursive: true })).filter((name) => /\.(?:js|d\.ts)$/.test(name))) {
      const source = await readFile(path.join(dist, file), "utf8");
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
        if (specifier!.startsWith(".")) {
          const target = path.resolve(path.dirname(path.join(dist, file)), specifier!);
          if (!target.startsWith(`${dist}${path.sep}`)) outside.add(`${file}: ${specifier}`);
        } else if (!specifier!.startsWith("node:") && !(specifier! in manifest.dependencies)) outside.add(`${file}: ${specifier}`);
      }
    }
    expect([...outside]).toEqual([]);
  });

  it("the example type-checks against the package's .d.ts", async () => {
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    const args = ["--noEmit", "--allowJs", "--checkJs", "--strict", "--module", "nodenext", "--target", "es2022", "--types", "node"];
    const result = await run(process.execPath, [tsc, ...args, "agent-quickstart.mjs"], { cwd: project }).catch((error) => error);
    expect(`${result.stdout}${result.stderr}`).toBe("");
  });

  it("a new host: the example shows the link and code, waits for the merchant, then lists the products", async () => {
    const example = runExample();
    const [, link, code] = await example.waitFor(/Ask the merchant to open (\S+) \(code (\S+)\), valid 5 min/);
    const url = new URL(link!);
    expect(`${url.origin}${url.pathname}`).toBe(`${app.baseUrl}/device/capabilities`);
    await approveAs({ agent_id: url.searchParams.get("agent_id")!, action: "approve", user_code: code! });
    const { code: exit, stdout, stderr } = await example.result();
    expect({ exit, stderr }).toEqual({ exit: 0, stderr: "" });
    expect(stdout).toContain(`${product}\n`);
  });

  it("the same identity: no approval, the products at once", async () => {
    const { code: exit, stdout, stderr } = await runExample().result();
    expect({ exit, stderr }).toEqual({ exit: 0, stderr: "" });
    expect(stdout).toBe(`${product}\n`);
  });

  it("a new agent of the now trusted host: asked in the merchant's inbox (CIBA), printed with real values", async () => {
    const file = path.join(project, ".data/agent.json");
    const { agent: _forgotten, ...host } = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify(host), { mode: 0o600 });

    const example = runExample();
    await example.waitFor(new RegExp(`Asked the merchant in their approvals inbox \\(${app.baseUrl}/agents/approvals\\), valid 5 min\\n`));
    await approveAs({ agent_id: await storedAgentId(), action: "approve" });
    const { code: exit, stdout, stderr } = await example.result();
    expect({ exit, stderr }).toEqual({ exit: 0, stderr: "" });
    expect(stdout).toContain(`${product}\n`);
    expect(stdout).not.toContain("undefined");
  });

  it("a denial: one line naming it, exit code 1, no stack", async () => {
    await rm(path.join(project, ".data"), { recursive: true });
    const example = runExample();
    const [, link, code] = await example.waitFor(/Ask the merchant to open (\S+) \(code (\S+)\)/);
    await approveAs({ agent_id: new URL(link!).searchParams.get("agent_id")!, action: "deny", user_code: code! });
    const { code: exit, stderr } = await example.result();
    expect(exit).toBe(1);
    expect(stderr).toMatch(/^The merchant said no: .+\.\n$/);
  });
});
