/*
 * The authorization server MCP clients use, over real HTTP: discovery
 * documents, dynamic registration, authorization code + PKCE through the
 * consent page, audience-bound tokens, and the refusals (PKCE downgrade,
 * redirect mismatch, the consent endpoint over HTTP, foreign audiences).
 */
import type { Request } from "express";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpProblem } from "../../generated/routes.js";
import { AgentResolver } from "../../src/agents/principal/agent-resolver.js";
import { MemoryReplayStore } from "../../src/agents/principal/memory-replay-store.js";
import { McpAuthenticator } from "../../src/mcp/mcp-authenticator.js";
import { signInCookie } from "../support/merchant.js";
import { authorize, authorizeUrl, exchangeCode, navigate, pkce, registerClient, submitConsent } from "../support/oauth-client.js";
import { BUSY_MERCHANT, createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

describe("MCP authorization server", () => {
  let app: TestApp;
  let owner: StoreOwner;
  let cookie: string;
  let resource: string;
  let authenticator: McpAuthenticator;
  let pkceClient: Awaited<ReturnType<typeof registerClient>> | undefined;

  beforeAll(async () => {
    // One address registers every client of this file: more than production's 5 a minute.
    app = await startTestApp({ rateLimits: { routes: { ...BUSY_MERCHANT.routes, "/oauth2/register": { window: 60, max: 100 } } } });
    owner = await createStoreOwner(app.auth, "Oak Store");
    cookie = await signInCookie(app, owner.email, owner.password);
    resource = `${app.baseUrl}/mcp`;
    const agents = new AgentResolver(app.db, {
      publicOrigin: app.baseUrl,
      authBaseUrl: `${app.baseUrl}/api/auth`,
      jtis: new MemoryReplayStore(),
    });
    authenticator = new McpAuthenticator(app.auth, app.db, agents, { issuer: `${app.baseUrl}/api/auth`, resource, scope: "commerce" });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  const withToken = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as Request;

  it("publishes the resource's and the authorization server's metadata where MCP clients look", async () => {
    const protectedResource = (await (await fetch(`${app.baseUrl}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
      string,
      unknown
    >;
    expect(protectedResource).toMatchObject({ resource, authorization_servers: [`${app.baseUrl}/api/auth`] });
    const server = (await (await fetch(`${app.baseUrl}/.well-known/oauth-authorization-server/api/auth`)).json()) as Record<
      string,
      unknown
    >;
    expect(server).toMatchObject({
      issuer: `${app.baseUrl}/api/auth`,
      authorization_endpoint: `${app.baseUrl}/api/auth/oauth2/authorize`,
      token_endpoint: `${app.baseUrl}/api/auth/oauth2/token`,
      registration_endpoint: `${app.baseUrl}/api/auth/oauth2/register`,
    });
    expect(server.code_challenge_methods_supported).toEqual(["S256"]);
  });

  it("registers a client, asks the merchant, and issues a token bound to /mcp that acts with exactly the approved tools", async () => {
    const client = await registerClient(app.baseUrl);
    const { verifier, challenge } = pkce();
    const consentUrl = await authorize(authorizeUrl(app.baseUrl, client, challenge, resource), cookie);
    expect(consentUrl.pathname).toBe("/oauth/consent");
    const answer = await submitConsent(consentUrl, cookie, {
      decision: "approve",
      organizationId: owner.organizationId,
      tools: ["listProducts", "getProduct", "createCart"],
    });
    expect(answer.status, answer.page).toBe(303);
    const redirect = new URL(answer.location!);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(client.redirectUri);
    expect(redirect.searchParams.get("state")).toBe("state-123");
    const code = redirect.searchParams.get("code")!;

    const token = await exchangeCode(app.baseUrl, client, code, verifier, resource);
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    const claims = decodeJwt(String(token.body.access_token));
    expect(claims).toMatchObject({ aud: resource, azp: client.clientId, sub: owner.userId });
    expect(typeof token.body.refresh_token).toBe("string");

    const principal = await authenticator.authenticate(withToken(String(token.body.access_token)));
    expect(principal.kind).toBe("agent");
    expect(principal.organizationId).toBe(owner.organizationId);
    expect([...(principal.grantedCapabilities ?? [])].sort()).toEqual(["createCart", "getProduct", "listProducts"]);

    // The code is single-use.
    expect((await exchangeCode(app.baseUrl, client, code, verifier, resource)).status).toBe(400);
  });

  it("asks again on the next authorization (consent is never remembered) and replaces the connection", async () => {
    const client = await registerClient(app.baseUrl, "Twice");
    const first = pkce();
    const consent1 = await authorize(authorizeUrl(app.baseUrl, client, first.challenge, resource), cookie);
    const approved = await submitConsent(consent1, cookie, {
      decision: "approve",
      organizationId: owner.organizationId,
      tools: ["listProducts"],
    });
    const token1 = await exchangeCode(app.baseUrl, client, new URL(approved.location!).searchParams.get("code")!, first.verifier, resource);
    const second = pkce();
    const consent2 = await authorize(authorizeUrl(app.baseUrl, client, second.challenge, resource), cookie);
    expect(consent2.pathname).toBe("/oauth/consent");
    await submitConsent(consent2, cookie, { decision: "approve", organizationId: owner.organizationId, tools: ["getProduct"] });
    // The old token now stands for the new connection: the same client and user, the merchant's latest choice.
    const principal = await authenticator.authenticate(withToken(String(token1.body.access_token)));
    expect([...(principal.grantedCapabilities ?? [])]).toEqual(["getProduct"]);
    const agents = await app.db.selectFrom("agent").select(["status"]).where("name", "=", "Twice (MCP)").execute();
    expect(agents.map((agent) => agent.status).sort()).toEqual(["active", "revoked"]);
  });

  it("denying sends access_denied back to the client and creates nothing", async () => {
    const client = await registerClient(app.baseUrl, "Denied client");
    const consentUrl = await authorize(authorizeUrl(app.baseUrl, client, pkce().challenge, resource), cookie);
    const answer = await submitConsent(consentUrl, cookie, { decision: "deny" });
    expect(answer.status).toBe(303);
    expect(new URL(answer.location!).searchParams.get("error")).toBe("access_denied");
    expect(await app.db.selectFrom("mcp_connections").select("agent_id").where("client_id", "=", client.clientId).execute()).toEqual([]);
  });

  it("refuses a token exchange without the PKCE verifier, or with another one", async () => {
    pkceClient = await registerClient(app.baseUrl, "PKCE");
    const client = pkceClient;
    const { verifier, challenge } = pkce();
    const consentUrl = await authorize(authorizeUrl(app.baseUrl, client, challenge, resource), cookie);
    const answer = await submitConsent(consentUrl, cookie, {
      decision: "approve",
      organizationId: owner.organizationId,
      tools: ["listProducts"],
    });
    const code = new URL(answer.location!).searchParams.get("code")!;
    for (const wrong of [pkce().verifier, ""]) {
      const refused = await exchangeCode(app.baseUrl, client, code, wrong, resource);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.body.access_token).toBeUndefined();
    }
    // The first failed attempt spent the code: it cannot be guessed at until a verifier fits.
    const late = await exchangeCode(app.baseUrl, client, code, verifier, resource);
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(late.body.access_token).toBeUndefined();
  });

  it("refuses an authorization without PKCE (no downgrade) and one with a redirect URI the client did not register", async () => {
    const client = pkceClient!;
    const noPkce = new URL(authorizeUrl(app.baseUrl, client, "x", resource));
    noPkce.searchParams.delete("code_challenge");
    noPkce.searchParams.delete("code_challenge_method");
    const refused = await authorize(noPkce.toString(), cookie);
    expect(refused.searchParams.get("error")).toBe("invalid_request");
    const plain = new URL(authorizeUrl(app.baseUrl, client, "x", resource));
    plain.searchParams.set("code_challenge_method", "plain");
    expect((await authorize(plain.toString(), cookie)).searchParams.get("error")).toBe("invalid_request");

    const wrongRedirect = authorizeUrl(app.baseUrl, { ...client, redirectUri: "http://127.0.0.1:9/elsewhere" }, pkce().challenge, resource);
    const response = await navigate(wrongRedirect, cookie);
    // Never sent to the unregistered URI.
    expect(response.location ?? "").not.toContain("/elsewhere");
  });

  it("never grants admin tools on a plain member's consent, and a connection acts only in its own store", async () => {
    const email = `member-${Date.now()}@example.com`;
    const { user } = await app.auth.api.signUpEmail({ body: { email, password: owner.password, name: "Member" } });
    await app.auth.api.addMember({ body: { userId: user.id, organizationId: owner.organizationId, role: "member" } });
    const memberCookie = await signInCookie(app, email, owner.password);
    const client = await registerClient(app.baseUrl, "Member's client");
    const { verifier, challenge } = pkce();
    const consentUrl = await authorize(authorizeUrl(app.baseUrl, client, challenge, resource), memberCookie);
    // The page offers admin tools disabled; a hand-made form asking for one anyway is refused and grants nothing.
    const page = await (await fetch(consentUrl, { headers: { cookie: memberCookie } })).text();
    expect(page).toMatch(/value="adminCreateProduct"[^>]*disabled/);
    const refused = await submitConsent(consentUrl, memberCookie, {
      decision: "approve",
      organizationId: owner.organizationId,
      tools: ["listProducts", "adminCreateProduct"],
    });
    expect(refused.status).toBe(403);
    expect(await app.db.selectFrom("mcp_connections").select("agent_id").where("client_id", "=", client.clientId).execute()).toEqual([]);
    // Nor for a store the user is not a member of.
    const otherStore = await createStoreOwner(app.auth, "Elm Store");
    const foreign = await submitConsent(consentUrl, memberCookie, {
      decision: "approve",
      organizationId: otherStore.organizationId,
      tools: ["listProducts"],
    });
    expect(foreign.status).toBe(400);

    const approved = await submitConsent(consentUrl, memberCookie, {
      decision: "approve",
      organizationId: owner.organizationId,
      tools: ["listProducts", "getProduct"],
    });
    const token = await exchangeCode(app.baseUrl, client, new URL(approved.location!).searchParams.get("code")!, verifier, resource);
    const principal = await authenticator.authenticate(withToken(String(token.body.access_token)));
    expect(principal.organizationId).toBe(owner.organizationId);
    expect([...principal.scopes]).toEqual(["storefront"]);
    expect(principal.grantedCapabilities?.has("adminCreateProduct")).toBe(false);
  });

  it("a revoke on /agents ends the connection: its tokens are refused at once and its refresh token is revoked", async () => {
    const client = await registerClient(app.baseUrl, "Revoked client");
    const { verifier, challenge } = pkce();
    const consentUrl = await authorize(authorizeUrl(app.baseUrl, client, challenge, resource), cookie);
    const approved = await submitConsent(consentUrl, cookie, {
      decision: "approve",
      organizationId: owner.organizationId,
      tools: ["listProducts"],
    });
    const token = await exchangeCode(app.baseUrl, client, new URL(approved.location!).searchParams.get("code")!, verifier, resource);
    const refresh = () =>
      fetch(`${app.baseUrl}/api/auth/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: String(token.body.refresh_token),
          client_id: client.clientId,
          resource,
        }),
      });
    const { agent_id: agentId } = await app.db
      .selectFrom("mcp_connections")
      .select("agent_id")
      .where("client_id", "=", client.clientId)
      .executeTakeFirstOrThrow();
    await authenticator.authenticate(withToken(String(token.body.access_token)));

    // What the /agents page's revoke does (the e2e test clicks it in Chromium): the plugin's revoke, as the merchant.
    await app.auth.api.revokeAgent({ body: { agent_id: agentId }, headers: new Headers({ cookie }) });

    await expect(authenticator.authenticate(withToken(String(token.body.access_token)))).rejects.toMatchObject({
      status: 401,
      code: "agent_revoked",
    });
    const refused = await refresh();
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(((await refused.json()) as Record<string, unknown>).access_token).toBeUndefined();
  });

  it("refuses the plugin's consent endpoint over HTTP: only the consent page grants", async () => {
    const response = await fetch(`${app.baseUrl}/api/auth/oauth2/consent`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: app.baseUrl },
      body: JSON.stringify({ accept: true, oauth_query: "client_id=x" }),
    });
    expect(response.status).toBe(404);
  });

  it("refuses tokens for another audience, tokens signed by anyone else, and no token", async () => {
    const foreign = await app.auth.api.signJWT({
      body: { payload: { aud: `${app.baseUrl}/other`, azp: "c", sub: owner.userId, scope: "commerce", iss: `${app.baseUrl}/api/auth` } },
    });
    await expect(authenticator.authenticate(withToken(foreign.token))).rejects.toMatchObject({ status: 401, code: "invalid_jwt" });
    await expect(authenticator.authenticate(withToken("a.b.c"))).rejects.toMatchObject({ status: 401 });
    const missing = await authenticator.authenticate({ headers: {} } as Request).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(HttpProblem);
    expect((missing as HttpProblem).status).toBe(401);
  });
});
