import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capabilities, capabilityNames } from "../../generated/capabilities.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let document: Record<string, unknown>;

beforeAll(async () => {
  app = await startTestApp();
  const response = await fetch(`${app.baseUrl}/.well-known/agent-configuration`);
  expect(response.status).toBe(200);
  document = (await response.json()) as Record<string, unknown>;
});

afterAll(async () => {
  await app?.close();
});

describe("GET /.well-known/agent-configuration", () => {
  it("serves the protocol document and the OAuth-style names, all on this server", () => {
    const issuer = `${app.baseUrl}/api/auth`;
    expect(document).toMatchObject({
      issuer,
      provider_name: "Commerce API",
      modes: ["delegated"],
      registration_endpoint: `${issuer}/agent/register`,
      capabilities_endpoint: `${issuer}/agent/capabilities`,
      authorization_endpoint: `${app.baseUrl}/device/capabilities`,
      token_endpoint: `${issuer}/agent/status`,
      default_location: `${issuer}/capability/execute`,
      mcp_endpoint: `${app.baseUrl}/mcp`,
    });
    expect((document.endpoints as Record<string, string>).register).toBe(`${issuer}/agent/register`);
  });

  it("every URL in it answers here (none is a 404)", async () => {
    const urls = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === "string" && value.startsWith("http")) urls.add(value);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(document);
    expect(urls.size).toBeGreaterThan(10);
    for (const url of urls) {
      const [get, post] = await Promise.all([
        fetch(url),
        fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      ]);
      // Each endpoint exists for GET or POST: unauthenticated calls get 4xx refusals, not "no such route".
      expect(
        [get.status, post.status].some((status) => status !== 404),
        `${url}: GET ${get.status}, POST ${post.status}`,
      ).toBe(true);
    }
  });

  it("lists capabilities from the contract; anonymous callers see only what any member could be granted", async () => {
    const aliased = await fetch(String(document.capabilities_endpoint));
    const direct = await fetch(`${app.baseUrl}/api/auth/capability/list`);
    expect(aliased.status).toBe(200);
    const names = ((await aliased.json()) as { capabilities: { name: string }[] }).capabilities.map((capability) => capability.name);
    expect(names).toEqual(
      ((await direct.json()) as { capabilities: { name: string }[] }).capabilities.map((capability) => capability.name),
    );
    expect(names).toEqual(capabilityNames.filter((name) => capabilities[name].scope === "storefront"));
  });
});

describe("GET <issuer>/agent/agent-configuration (clients' fallback path)", () => {
  it("serves the same discovery document", async () => {
    const response = await fetch(`${app.baseUrl}/api/auth/agent/agent-configuration`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(document);
  });
});

describe("behind a proxy", () => {
  const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "shop.example.com" };

  it("ignores X-Forwarded-* unless TRUST_PROXY is on", async () => {
    const body = (await (await fetch(`${app.baseUrl}/.well-known/agent-configuration`, { headers: forwarded })).json()) as Record<
      string,
      unknown
    >;
    expect(body.issuer).toBe(`${app.baseUrl}/api/auth`);
  });

  it("builds every URL from X-Forwarded-* when TRUST_PROXY is on", async () => {
    const proxied = await startTestApp({ trustProxy: true });
    try {
      const body = (await (await fetch(`${proxied.baseUrl}/.well-known/agent-configuration`, { headers: forwarded })).json()) as Record<
        string,
        unknown
      >;
      expect(body).toMatchObject({
        issuer: "https://shop.example.com/api/auth",
        registration_endpoint: "https://shop.example.com/api/auth/agent/register",
        authorization_endpoint: "https://shop.example.com/device/capabilities",
      });
      expect(JSON.stringify(body)).not.toContain(proxied.baseUrl);
    } finally {
      await proxied.close();
    }
  });
});
