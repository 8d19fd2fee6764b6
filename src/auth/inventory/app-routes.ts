/**
 * The routes this application mounts itself (outside Better Auth's handler),
 * classified like `authRoutes`. /v1 is one entry per operation of the
 * contract (see `v1Routes` in inventory-markdown.ts): every operation takes
 * an API key, an agent JWT or a session and needs its scope, and agents its
 * capability (auth/resolve-principal.ts). test/security/route-inventory.test.ts
 * walks the Express app (with every optional face mounted, e.g. /mcp) and
 * fails on any route missing here.
 */
export interface AppRoute {
  readonly method: "GET" | "POST" | "ALL";
  readonly path: string;
  readonly callers: string;
  readonly effect: string;
  readonly guard: string;
}

// biome-ignore format: one row per route, read (and reviewed) as a table; docs/SECURITY.md is generated from it.
export const appRoutes: readonly AppRoute[] = [
  { method: "GET", path: "/.well-known/agent-configuration", callers: "anyone", effect: "discovery document", guard: "none needed; URLs from configuration" },
  { method: "GET", path: "/api/auth", callers: "anyone", effect: "redirect to discovery", guard: "none needed" },
  { method: "GET", path: "/api/auth/agent/agent-configuration", callers: "anyone", effect: "discovery document (clients' issuer fallback path)", guard: "none needed; URLs from configuration" },
  { method: "GET", path: "/api/auth/agent/capabilities", callers: "anyone; agent or host JWT for more", effect: "alias of /capability/list", guard: "the plugin's route, with its hooks" },
  {
    method: "POST",
    path: "/api/auth/capability/execute",
    callers: "agent JWT for <API origin>/v1, the issuer, the execute URL or the origin (lapsed agents, `ath`-bound and other tokens fall through to the plugin)",
    effect: "runs one operation in the agent's store",
    guard: "agents/execute/fast-execute-route.ts: our verifier (the plugin's checks and replay cache) + dispatcher (grants, constraints, scope, tenant)",
  },
  {
    method: "ALL",
    path: "/mcp",
    callers: "an MCP client with an OAuth access token for /mcp (audience-bound JWT) whose connection a merchant approved and has not revoked",
    effect: "MCP tools = the contract's operations in the caller's store: tools/list by the caller's scopes, tools/call runs one operation",
    guard: "mcp/mcp-routes.ts: a foreign Origin is 403; mcp/mcp-authenticator.ts before any message is read (401/403 + RFC 9728 challenge); POST only (405); 100 KiB body; the connection's agent principal; agents/execute/dispatch-as.ts (scope, grants, limits, tenant) + dispatcher",
  },
  { method: "ALL", path: "/api/auth/*splat", callers: "see the /api/auth inventory", effect: "Better Auth's handler", guard: "auth/inventory/route-firewall.ts" },
  { method: "GET", path: "/", callers: "anyone; session for more", effect: "console landing: sign-in form, or own stores, pending approval count, links", guard: "pages/console: own stores and inbox only" },
  { method: "GET", path: "/account/sign-in", callers: "anyone", effect: "sign-in form (signed in: redirect to return_to)", guard: "pages/sign-in.ts: return_to same-site paths only" },
  { method: "POST", path: "/account/sign-in", callers: "anyone (CSRF token)", effect: "session cookie", guard: "pages/csrf.ts; Better Auth sign-in limits; return_to same-site paths only" },
  { method: "POST", path: "/account/sign-out", callers: "session (CSRF token)", effect: "ends own session", guard: "pages/csrf.ts + Better Auth sign-out" },
  { method: "POST", path: "/account/store", callers: "session (CSRF token), a member of the store", effect: "own session's active store", guard: "pages/csrf.ts + membership (ours, then Better Auth's)" },
  { method: "GET", path: "/account/api-keys", callers: "session", effect: "reads own API keys of the active store; a new key's secret once (sealed cookie)", guard: "pages/console: Better Auth lists own keys only" },
  {
    method: "POST",
    path: "/account/api-keys",
    callers: "session (CSRF token), a member of the store",
    effect: "an own API key for the store: storefront for members, admin for owners/admins only",
    guard: "pages/csrf.ts + pages/console (membership and role read per request); /v1 re-checks both per call",
  },
  { method: "GET", path: "/account/api-keys/revoke", callers: "session", effect: "asks to confirm revoking an own key", guard: "pages/console: own keys only" },
  { method: "POST", path: "/account/api-keys/revoke", callers: "session (CSRF token), the key's owner", effect: "deletes an own API key", guard: "pages/csrf.ts + Better Auth (own keys)" },
  { method: "GET", path: "/device/capabilities", callers: "session", effect: "reads a pending approval once its code matches", guard: "pages/device: code check counted per request (once: a wrong code redirects to a code field); code-only lookups per user; carried choices only when sealed by the server" },
  {
    method: "POST",
    path: "/device/capabilities",
    callers: "session (CSRF token) + user code",
    effect: "approve or deny; the agent's limits with an approval",
    guard: "pages/csrf.ts + agents/approvals/approval-policy.ts; limits only once the code matches, undone if the approval fails",
  },
  { method: "GET", path: "/device/capabilities/result", callers: "session", effect: "reads one own agent's grants and denials after a decision (where the device page's POST redirects)", guard: "pages/device: own agents only (404 otherwise); the link only picks the headline" },
  { method: "GET", path: "/agents/approvals", callers: "session", effect: "reads own CIBA inbox; after a decision, that agent's grants and denials", guard: "pages/approvals: addressee only; own agents only; carried choices only when sealed by the server" },
  {
    method: "POST",
    path: "/agents/approvals",
    callers: "session (CSRF token), the addressee",
    effect: "approve or deny; the agent's limits with an approval",
    guard: "pages/csrf.ts + agents/approvals/approval-policy.ts; limits undone if the approval fails",
  },
  { method: "GET", path: "/agents", callers: "session", effect: "reads own agents and hosts", guard: "pages/agents: own agents only" },
  { method: "GET", path: "/agents/revoke", callers: "session", effect: "reads one own agent: the confirmation step of revoking it", guard: "pages/agents: own agents only (404 otherwise)" },
  { method: "POST", path: "/agents/revoke", callers: "session (CSRF token), the agent's user", effect: "revokes an agent (with confirm=yes; else 303 to the confirmation)", guard: "pages/csrf.ts + plugin (own agents)" },
  { method: "GET", path: "/agents/revoke-capability", callers: "session", effect: "reads one own agent's grant: the confirmation step of revoking it", guard: "pages/agents: own agents only (404 otherwise)" },
  { method: "POST", path: "/agents/revoke-capability", callers: "session (CSRF token), the agent's user", effect: "revokes a grant (with confirm=yes; else 303 to the confirmation)", guard: "pages/csrf.ts + plugin (own agents)" },
  {
    method: "POST",
    path: "/agents/limits",
    callers: "session (CSRF token): the agent's user or an owner/admin of its store, a member of it",
    effect: "an agent's limits (max order total, line quantity, budget, grant expiry)",
    guard: "pages/csrf.ts + agents/limits/limits-authority.ts; loosening needs a sign-in from the last 5 minutes",
  },
  { method: "GET", path: "/.well-known/oauth-protected-resource/mcp", callers: "anyone", effect: "the MCP endpoint's resource metadata (RFC 9728): its authorization server and scopes", guard: "none needed; URLs from configuration" },
  { method: "GET", path: "/.well-known/oauth-authorization-server/api/auth", callers: "anyone", effect: "authorization server metadata (RFC 8414, path form of the /api/auth issuer)", guard: "none needed; the OAuth provider's document" },
  { method: "GET", path: "/oauth/sign-in", callers: "anyone", effect: "sign-in form, then back to the authorization request (signed in: redirect to it)", guard: "pages/consent: only the request's own parameters go back to /api/auth/oauth2/authorize, which checks them all again" },
  { method: "GET", path: "/oauth/consent", callers: "session", effect: "reads the client's registered name and the user's stores", guard: "pages/consent: registered, enabled clients only" },
  {
    method: "POST",
    path: "/oauth/consent",
    callers: "session (CSRF token), a member of the chosen store",
    effect: "approve: a connection (agent pinned to the store, the chosen tools as grants, limits) and an authorization code for the client; deny: error=access_denied to the client",
    guard: "pages/csrf.ts + pages/consent (admin tools only for owners/admins, passkey tools never) + the plugin's signature check of the request; the connection is dropped if the plugin refuses",
  },
  { method: "GET", path: "/account/passkeys", callers: "session", effect: "reads own passkeys (changes go through /api/auth/passkey/*)", guard: "pages/passkeys: own only; return_to same-site paths only" },
  { method: "GET", path: "/assets/passkeys.js", callers: "anyone", effect: "static script (same origin, nosniff)", guard: "none needed" },
  { method: "GET", path: "/assets/simplewebauthn-browser.js", callers: "anyone", effect: "static script (same origin, nosniff)", guard: "none needed" },
  { method: "GET", path: "/openapi.json", callers: "anyone (CORS: any origin, no credentials)", effect: "the bundled contract, generated", guard: "none needed; static file of generated/" },
  { method: "GET", path: "/openapi.yaml", callers: "anyone (CORS: any origin, no credentials)", effect: "the bundled contract, generated", guard: "none needed; static file of generated/" },
  { method: "GET", path: "/docs", callers: "anyone", effect: "API reference page (Redoc inlined, built by docs:build)", guard: "none needed; CSP: no external loads, no framing" },
  { method: "GET", path: "/problems", callers: "anyone", effect: "list of problem codes", guard: "none needed; CSP: no script" },
  { method: "GET", path: "/problems/:code", callers: "anyone", effect: "page of a problem code (its `type` URL); unknown code 404", guard: "none needed; code checked against the contract's set" },
  { method: "GET", path: "/healthz", callers: "anyone", effect: "liveness", guard: "none needed" },
  { method: "GET", path: "/readyz", callers: "anyone", effect: "readiness: 503 when the database does not answer; reports Redis (up/down) without failing on it", guard: "none needed" },
];
