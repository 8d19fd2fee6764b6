/*
 * /mcp at the HTTP level: authentication comes first (a 401 carries the
 * injected WWW-Authenticate challenge and nothing runs), only POST is served
 * (stateless: no SSE stream, no session to delete), bad JSON is JSON-RPC's
 * parse error; as the server runs it (OAuth access), a call without a token
 * is told where the resource's metadata is.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { FORBIDDEN_TOKEN, TEST_CHALLENGE, TEST_FORBIDDEN_CHALLENGE, TestTokens } from "./mcp-test-kit.js";

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

function createCartMessage(): string {
  return JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "createCart", arguments: { currency: "EUR" } } });
}

describe("MCP endpoint over HTTP", () => {
  const tokens = new TestTokens();
  let app: TestApp;
  let owner: StoreOwner;
  let token: string;

  async function cartCount(): Promise<number> {
    const { rows } = await sql<{
      count: string;
    }>`select count(*) as count from carts where organization_id = ${owner.organizationId}`.execute(app.db);
    return Number(rows[0]!.count);
  }

  beforeAll(async () => {
    app = await startTestApp({ mcp: tokens.access });
    owner = await createStoreOwner(app.auth, "MCP HTTP Store");
    token = tokens.apiKey(owner, ["storefront"]);
  });

  afterAll(async () => {
    await app?.close();
  });

  it("answers an unauthenticated call 401 with the challenge, before reading any MCP message", async () => {
    for (const authorization of [undefined, "Bearer not-a-token"]) {
      const response = await fetch(`${app.baseUrl}/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...(authorization ? { authorization } : {}) },
        body: createCartMessage(),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(TEST_CHALLENGE);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 401, code: "unauthenticated" });
    }
    expect(await cartCount()).toBe(0);
    // Authentication does not wait for a valid message either.
    const garbage = await fetch(`${app.baseUrl}/mcp`, { method: "POST", headers: MCP_HEADERS, body: "{" });
    expect(garbage.status).toBe(401);
  });

  it("answers a refused credential 403 with the challenge for it", async () => {
    const response = await fetch(`${app.baseUrl}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${FORBIDDEN_TOKEN}` },
      body: createCartMessage(),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(TEST_FORBIDDEN_CHALLENGE);
    expect(await response.json()).toMatchObject({ status: 403, code: "agent_revoked" });
    expect(await cartCount()).toBe(0);
  });

  it("runs the same call once authenticated", async () => {
    const response = await fetch(`${app.baseUrl}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-protocol-version": "2025-11-25" },
      body: createCartMessage(),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 7, result: { structuredContent: { currency: "EUR" } } });
    expect(await cartCount()).toBe(1);
  });

  it("serves POST only: GET and DELETE are 405 with Allow: POST", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(`${app.baseUrl}/mcp`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ code: "method_not_allowed" });
    }
  });

  it("answers malformed JSON with JSON-RPC's parse error, not a 500", async () => {
    const response = await fetch(`${app.baseUrl}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: '{"jsonrpc": "2.0", "id": 1, "method": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: expect.stringMatching(/^Parse error/) },
    });
  });

  it("refuses a message over the size limit with 413 before parsing it", async () => {
    const response = await fetch(`${app.baseUrl}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { padding: "x".repeat(200 * 1024) } }),
    });
    expect(response.status).toBe(413);
  });

  it("refuses a request from another site's page (Origin) with 403, and serves its own origin", async () => {
    const from = (origin: string) =>
      fetch(`${app.baseUrl}/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, origin },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
    const foreign = await from("http://evil.example");
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: "forbidden" });
    expect((await from(app.baseUrl)).status).toBe(200);
  });

  it("serves exactly /mcp: another case or a trailing slash is not it", async () => {
    for (const path of ["/mcp/", "/MCP"]) {
      const response = await fetch(`${app.baseUrl}${path}`, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
        body: "{}",
      });
      expect(response.status).toBe(404);
    }
  });
});

describe("MCP endpoint as the server runs it (OAuth access tokens)", () => {
  it("answers a call without a token with 401 and the RFC 9728 challenge, and runs nothing", async () => {
    const app = await startTestApp();
    try {
      const response = await fetch(`${app.baseUrl}/mcp`, { method: "POST", headers: MCP_HEADERS, body: createCartMessage() });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer resource_metadata="${app.baseUrl}/.well-known/oauth-protected-resource/mcp", scope="commerce"`,
      );
      const withBadToken = await fetch(`${app.baseUrl}/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: "Bearer not.a.token" },
        body: createCartMessage(),
      });
      expect(withBadToken.status).toBe(401);
      expect(withBadToken.headers.get("www-authenticate")).toContain('error="invalid_token"');
      expect(await app.db.selectFrom("carts").select("id").execute()).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
