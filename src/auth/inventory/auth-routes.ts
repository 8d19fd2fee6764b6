/**
 * Every route Better Auth and its plugins mount under /api/auth, classified:
 * who may call it, what it may change, and what enforces that. This table is
 * the deny-by-default gate (route-firewall.ts refuses any path not listed
 * here, and every `enabled: false` one) and the source of the inventory in
 * docs/SECURITY.md (`npm run docs:security`). A route a dependency upgrade
 * adds is refused at run time and fails test/security/route-inventory.test.ts
 * until someone classifies it here.
 */
export interface AuthRoute {
  readonly methods: readonly ("GET" | "POST")[];
  /** Who may call it. */
  readonly callers: string;
  /** The credential it takes: none, a session cookie, an agent/host JWT, either, or a one-time token; anonymous calls of all but `none` are refused. */
  readonly credential?: "none" | "session" | "jwt" | "session-or-jwt" | "token";
  /** What it may read or change. */
  readonly effect: string;
  /** What enforces the rule: the plugin itself, or our guard (file under src/). */
  readonly guard: string;
  /** False: the product does not need it over HTTP; refused with 404. */
  readonly enabled: boolean;
  /**
   * Refused over HTTP but called by our own code (`auth.api.*`, no request):
   * a step only one of our pages may take, after checks of its own.
   */
  readonly internal?: true;
}

/** Refused over HTTP; our page named in `caller` calls it server-side after its own checks. */
const internal = (effect: string, caller: string): AuthRoute => ({
  methods: ["POST"],
  callers: `${caller} only (server-side call)`,
  effect,
  guard: `refused (404) over HTTP; called by ${caller} after its checks`,
  enabled: false,
  internal: true,
});

const off = (effect: string, why: string): AuthRoute => ({
  methods: ["GET", "POST"],
  callers: "nobody",
  effect,
  guard: `refused (404): ${why}`,
  enabled: false,
});

// biome-ignore format: one row per route, read (and reviewed) as a table; docs/SECURITY.md is generated from it.
export const authRoutes = {
  // Better Auth core: accounts and sessions.
  "/ok": { methods: ["GET"], callers: "anyone", credential: "none", effect: "health answer", guard: "none needed", enabled: true },
  "/error": { methods: ["GET"], callers: "anyone", credential: "none", effect: "error page", guard: "none needed", enabled: true },
  "/sign-up/email": { methods: ["POST"], callers: "anyone (Origin = our origin)", credential: "none", effect: "creates a user with no store", guard: "Better Auth origin check; rate limit", enabled: true },
  "/sign-in/email": { methods: ["POST"], callers: "anyone (Origin = our origin)", credential: "none", effect: "creates a session", guard: "Better Auth; per-address and per-account limits", enabled: true },
  "/sign-out": { methods: ["POST"], callers: "anyone (a no-op without a session)", credential: "none", effect: "ends own session", guard: "Better Auth", enabled: true },
  "/get-session": { methods: ["GET", "POST"], callers: "anyone (null without a session)", credential: "none", effect: "reads own session", guard: "Better Auth", enabled: true },
  "/list-sessions": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own sessions", guard: "Better Auth", enabled: true },
  "/revoke-session": { methods: ["POST"], callers: "session", credential: "session", effect: "ends one own session", guard: "Better Auth (own sessions only)", enabled: true },
  "/revoke-sessions": { methods: ["POST"], callers: "session", credential: "session", effect: "ends own sessions", guard: "Better Auth", enabled: true },
  "/revoke-other-sessions": { methods: ["POST"], callers: "session", credential: "session", effect: "ends own other sessions", guard: "Better Auth", enabled: true },
  "/update-session": { methods: ["POST"], callers: "session", credential: "session", effect: "own session's extra fields", guard: "Better Auth", enabled: true },
  "/update-user": { methods: ["POST"], callers: "session", credential: "session", effect: "own name and image", guard: "Better Auth", enabled: true },
  "/change-password": { methods: ["POST"], callers: "session + current password", credential: "session", effect: "own password", guard: "Better Auth", enabled: true },
  "/verify-password": off("password oracle for a session", "no product flow needs it"),
  "/change-email": off("own email", "no verified-email flow"),
  "/delete-user": off("deletes own user", "would orphan stores and agents"),
  "/delete-user/callback": off("deletes own user", "would orphan stores and agents"),
  "/request-password-reset": off("password reset mail", "no mail sender configured"),
  "/reset-password": off("password", "no mail sender configured"),
  "/reset-password/:token": off("password reset link", "no mail sender configured"),
  "/send-verification-email": off("verification mail", "no mail sender configured"),
  "/verify-email": off("email verification", "no mail sender configured"),
  "/sign-in/social": off("social sign-in", "no social provider configured"),
  "/callback/:id": off("OAuth callback", "no social provider configured"),
  "/link-social": off("links a social account", "no social provider configured"),
  "/unlink-account": off("unlinks an account", "no social provider configured"),
  "/list-accounts": off("lists linked accounts", "no social provider configured"),
  "/account-info": off("provider account info", "no social provider configured"),
  "/refresh-token": off("provider tokens", "no social provider configured"),
  "/get-access-token": off("provider tokens", "no social provider configured"),

  // Organization plugin: stores and their members.
  "/organization/create": { methods: ["POST"], callers: "session", credential: "session", effect: "new store owned by the caller", guard: "Better Auth", enabled: true },
  "/organization/list": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own stores", guard: "Better Auth", enabled: true },
  "/organization/set-active": { methods: ["POST"], callers: "session (member)", credential: "session", effect: "own session's active store", guard: "Better Auth (membership)", enabled: true },
  "/organization/get-full-organization": { methods: ["GET"], callers: "session (member)", credential: "session", effect: "reads a store with members", guard: "Better Auth (membership)", enabled: true },
  "/organization/get-organization": { methods: ["GET"], callers: "session (member)", credential: "session", effect: "reads a store", guard: "Better Auth (membership)", enabled: true },
  "/organization/check-slug": { methods: ["POST"], callers: "session", credential: "session", effect: "reads slug availability", guard: "Better Auth", enabled: true },
  "/organization/update": { methods: ["POST"], callers: "session (owner/admin)", credential: "session", effect: "store name, slug, metadata", guard: "Better Auth (role permissions)", enabled: true },
  "/organization/delete": off("deletes a store", "would orphan the store's orders and agents; no product flow"),
  "/organization/leave": { methods: ["POST"], callers: "session (member)", credential: "session", effect: "ends own membership", guard: "Better Auth (the last owner cannot leave)", enabled: true },
  "/organization/invite-member": { methods: ["POST"], callers: "session (owner/admin)", credential: "session", effect: "invitation to the store", guard: "Better Auth (role permissions)", enabled: true },
  "/organization/accept-invitation": { methods: ["POST"], callers: "session (the invitee)", credential: "session", effect: "new membership", guard: "Better Auth (invitee's email)", enabled: true },
  "/organization/reject-invitation": { methods: ["POST"], callers: "session (the invitee)", credential: "session", effect: "invitation status", guard: "Better Auth (invitee's email)", enabled: true },
  "/organization/cancel-invitation": { methods: ["POST"], callers: "session (owner/admin)", credential: "session", effect: "invitation status", guard: "Better Auth (role permissions)", enabled: true },
  "/organization/get-invitation": { methods: ["GET"], callers: "session (the invitee)", credential: "session", effect: "reads an invitation", guard: "Better Auth (invitee's email)", enabled: true },
  "/organization/list-invitations": { methods: ["GET"], callers: "session (member)", credential: "session", effect: "reads the store's invitations", guard: "Better Auth (membership)", enabled: true },
  "/organization/list-user-invitations": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own invitations", guard: "Better Auth", enabled: true },
  "/organization/list-members": { methods: ["GET"], callers: "session (member)", credential: "session", effect: "reads the store's members", guard: "Better Auth (membership)", enabled: true },
  "/organization/remove-member": { methods: ["POST"], callers: "session (owner/admin)", credential: "session", effect: "ends a membership", guard: "Better Auth (role permissions)", enabled: true },
  "/organization/update-member-role": { methods: ["POST"], callers: "session (owner/admin)", credential: "session", effect: "a member's role", guard: "Better Auth (role permissions)", enabled: true },
  "/organization/get-active-member": { methods: ["GET"], callers: "session (member)", credential: "session", effect: "reads own membership", guard: "Better Auth", enabled: true },
  "/organization/get-active-member-role": { methods: ["GET"], callers: "session (member)", credential: "session", effect: "reads own role", guard: "Better Auth", enabled: true },
  "/organization/has-permission": { methods: ["POST"], callers: "session", credential: "session", effect: "reads own permissions", guard: "Better Auth", enabled: true },

  // API key plugin: keys name a store and scopes in their metadata; /v1 re-checks the owner's membership on every call.
  "/api-key/create": { methods: ["POST"], callers: "session", credential: "session", effect: "a key owned by the caller", guard: "Better Auth (own keys); /v1 checks membership and role per call (resolve-principal.ts)", enabled: true },
  "/api-key/list": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own keys", guard: "Better Auth (own keys)", enabled: true },
  "/api-key/get": { methods: ["GET"], callers: "session", credential: "session", effect: "reads an own key", guard: "Better Auth (own keys)", enabled: true },
  "/api-key/update": { methods: ["POST"], callers: "session", credential: "session", effect: "an own key", guard: "Better Auth (own keys)", enabled: true },
  "/api-key/delete": { methods: ["POST"], callers: "session", credential: "session", effect: "deletes an own key", guard: "Better Auth (own keys)", enabled: true },

  // Agent Auth plugin.
  "/agent-configuration": { methods: ["GET"], callers: "anyone", credential: "none", effect: "discovery document", guard: "none needed", enabled: true },
  "/agent/register": { methods: ["POST"], callers: "host JWT (any host may introduce itself)", credential: "jwt", effect: "new agent, pending unless its host is trusted", guard: "plugin; outbound guard on JWKS URLs", enabled: true },
  "/agent/status": { methods: ["GET"], callers: "agent or host JWT", credential: "jwt", effect: "reads own status", guard: "plugin; one audience per token (route-firewall.ts)", enabled: true },
  "/agent/session": { methods: ["GET"], callers: "anyone (null without an agent JWT)", credential: "none", effect: "reads own session", guard: "plugin", enabled: true },
  "/agent/reactivate": { methods: ["POST"], callers: "agent JWT", credential: "jwt", effect: "revives own lapsed session", guard: "plugin", enabled: true },
  "/agent/rotate-key": { methods: ["POST"], callers: "agent JWT", credential: "jwt", effect: "own key", guard: "plugin", enabled: true },
  "/agent/request-capability": { methods: ["POST"], callers: "agent JWT", credential: "jwt", effect: "pending grants + approval request", guard: "plugin", enabled: true },
  "/agent/device/code": { methods: ["POST"], callers: "host JWT (own agents)", credential: "jwt", effect: "new device approval request", guard: "plugin (agent of the host)", enabled: true },
  "/agent/ciba/authorize": { methods: ["POST"], callers: "host JWT linked to the addressee", credential: "jwt", effect: "CIBA request in the linked user's inbox", guard: "agents/plugin/guards/ciba-guard.ts", enabled: true },
  "/agent/ciba/pending": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own CIBA inbox", guard: "plugin", enabled: true },
  "/agent/approve-capability": { methods: ["POST"], callers: "session: device code holder, CIBA addressee, or the agent's user", credential: "session", effect: "activates or denies what the request showed", guard: "agents/approvals/approval-policy.ts", enabled: true },
  "/agent/grant-capability": { methods: ["POST"], callers: "session: the agent's own user, active agent", credential: "session", effect: "active grants", guard: "agents/plugin/guards/grant-guard.ts", enabled: true },
  "/agent/revoke": { methods: ["POST"], callers: "session (agent's user) or agent JWT", credential: "session-or-jwt", effect: "revokes the agent", guard: "plugin", enabled: true },
  "/agent/revoke-capability": { methods: ["POST"], callers: "session (agent's user), own agent or host JWT", credential: "session-or-jwt", effect: "revokes grants", guard: "plugin", enabled: true },
  "/agent/update": { methods: ["POST"], callers: "session (agent's user)", credential: "session", effect: "agent name and metadata (store pin)", guard: "plugin (own agents); agents/plugin/guards/store-pin-guard.ts (a pin never changes)", enabled: true },
  "/agent/get": { methods: ["GET"], callers: "session (agent's user)", credential: "session", effect: "reads own agent", guard: "plugin", enabled: true },
  "/agent/list": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own agents", guard: "plugin", enabled: true },
  "/agent/cleanup": { methods: ["POST"], callers: "session", credential: "session", effect: "deletes own expired agents", guard: "plugin", enabled: true },
  "/agent/introspect": { methods: ["POST"], callers: "agent JWT", credential: "jwt", effect: "reads the token's own session", guard: "plugin", enabled: true },
  "/agent/claim": off("claims an autonomous agent", "delegated mode only"),
  "/capability/list": { methods: ["GET"], callers: "anyone; agent or host JWT for more", credential: "none", effect: "reads capabilities (admin ones only for owners/admins)", guard: "plugin + resolveCapabilities", enabled: true },
  "/capability/describe": { methods: ["GET"], callers: "anyone; agent or host JWT", credential: "none", effect: "reads a capability", guard: "plugin", enabled: true },
  "/capability/execute": { methods: ["POST"], callers: "agent JWT with the grant (tokens our fast route leaves to the plugin)", credential: "jwt", effect: "runs one operation in the agent's store", guard: "plugin + our dispatcher (grants, scope, tenant)", enabled: true },
  "/capability/batch-execute": { methods: ["POST"], callers: "agent JWT with the grants", credential: "jwt", effect: "runs operations in the agent's store", guard: "plugin + our dispatcher", enabled: true },
  "/host/create": { methods: ["POST"], callers: "session", credential: "session", effect: "a host of the caller, auto-granted defaults only", guard: "agents/plugin/guards/host-guard.ts", enabled: true },
  "/host/enroll": { methods: ["POST"], callers: "one-time enrollment token", credential: "token", effect: "sets the created host's key", guard: "plugin (token)", enabled: true },
  "/host/list": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own hosts", guard: "plugin", enabled: true },
  "/host/get": { methods: ["GET"], callers: "session", credential: "session", effect: "reads a host", guard: "plugin", enabled: true },
  "/host/update": { methods: ["POST"], callers: "session: the host's own user", credential: "session", effect: "host name, key, defaults (auto-granted only)", guard: "agents/plugin/guards/host-guard.ts", enabled: true },
  "/host/revoke": { methods: ["POST"], callers: "own host JWT; session: host's user or owner/admin of that user's store", credential: "session-or-jwt", effect: "revokes the host and its agents", guard: "agents/plugin/guards/host-guard.ts", enabled: true },
  "/host/rotate-key": { methods: ["POST"], callers: "own host JWT", credential: "jwt", effect: "host key (and id)", guard: "plugin; guards/host-rotation-lookup.ts finds the host by key thumbprint or kid (`iss`), not only by id; migration 0007 lets agents follow the new id", enabled: true },
  // Passkey plugin: passkeys confirm approvals of `webauthn` capabilities; they never sign anyone in.
  "/passkey/generate-register-options": { methods: ["GET"], callers: "session (fresh)", credential: "session", effect: "a registration challenge (signed cookie, 5 min)", guard: "passkey plugin", enabled: true },
  "/passkey/verify-registration": { methods: ["POST"], callers: "session; once the user has a passkey, also an assertion by one", credential: "session", effect: "a new passkey of the caller", guard: "auth/passkey-management-guard.ts", enabled: true },
  "/passkey/list-user-passkeys": { methods: ["GET"], callers: "session", credential: "session", effect: "reads own passkeys", guard: "passkey plugin (own only)", enabled: true },
  "/passkey/update-passkey": { methods: ["POST"], callers: "session (the passkey's owner)", credential: "session", effect: "renames an own passkey", guard: "passkey plugin (own only)", enabled: true },
  "/passkey/delete-passkey": { methods: ["POST"], callers: "session + an assertion by one of the user's passkeys", credential: "session", effect: "deletes an own passkey", guard: "auth/passkey-management-guard.ts", enabled: true },
  "/passkey/generate-authenticate-options": off("passkey sign-in challenge", "passkeys do not sign anyone in"),
  "/passkey/verify-authentication": off("passkey sign-in", "passkeys do not sign anyone in"),
  "/host/switch-account": off("moves a host and its future agents to the caller", "no proof the caller holds the host's key"),
  // OAuth 2.1 provider + JWT plugin: the authorization server of MCP clients (auth/oauth-provider.ts).
  "/.well-known/oauth-authorization-server": { methods: ["GET"], callers: "anyone", credential: "none", effect: "authorization server metadata (RFC 8414; also served at the root, see app routes)", guard: "none needed", enabled: true },
  "/.well-known/openid-configuration": off("OpenID Connect metadata", "not an OpenID provider (no openid scope)"),
  "/jwks": { methods: ["GET"], callers: "anyone", credential: "none", effect: "public keys of access tokens", guard: "none needed", enabled: true },
  "/token": off("a JWT for the caller's session", "sessions are never exchanged for bearer tokens"),
  "/oauth2/register": { methods: ["POST"], callers: "anyone (MCP clients register themselves, RFC 7591)", credential: "none", effect: "a client that may ask for consent; it is granted nothing", guard: "plugin: redirect URI and metadata checks; public clients need PKCE; 5 a minute per address", enabled: true },
  "/oauth2/authorize": { methods: ["GET", "POST"], callers: "anyone (the browser of a signed-in merchant for more)", credential: "none", effect: "redirects to sign-in or consent; with remembered consent, a code for that user", guard: "plugin: registered redirect URI, PKCE S256, resource linked to the client; consent remembered only while the connection lives (pages/consent)", enabled: true },
  "/oauth2/consent": internal("records consent and issues the authorization code", "the consent page (pages/consent)"),
  "/oauth2/continue": off("continues after account selection", "no account selection or post-login step"),
  "/oauth2/token": { methods: ["POST"], callers: "a registered client with a code + PKCE verifier, or a refresh token", credential: "token", effect: "access token for /mcp (15 min), refresh token", guard: "plugin: code bound to client, redirect URI and verifier; audience = resource", enabled: true },
  "/oauth2/revoke": { methods: ["POST"], callers: "the client that holds the token", credential: "token", effect: "revokes own token", guard: "plugin (client authentication)", enabled: true },
  "/oauth2/introspect": off("token introspection", "/mcp verifies its JWTs itself; no other resource server"),
  "/oauth2/userinfo": off("user claims", "not an OpenID provider"),
  "/oauth2/end-session": off("OpenID logout", "not an OpenID provider"),
  "/oauth2/end-session/confirm": off("OpenID logout", "not an OpenID provider"),
  "/oauth2/public-client": off("reads a client's public fields", "the consent page reads them server-side from the database"),
  "/oauth2/public-client-prelogin": off("reads a client's public fields before sign-in", "not needed"),
  "/oauth2/create-client": off("creates a client for the caller", "clients register themselves; merchants grant on the consent page"),
  "/oauth2/get-client": off("reads an own client", "no client management by merchants"),
  "/oauth2/get-clients": off("reads own clients", "no client management by merchants"),
  "/oauth2/update-client": off("an own client", "no client management by merchants"),
  "/oauth2/delete-client": off("deletes an own client", "no client management by merchants"),
  "/oauth2/client/rotate-secret": off("an own client's secret", "no client management by merchants"),
  "/oauth2/get-consent": off("reads a consent", "connections are listed and revoked on /agents"),
  "/oauth2/get-consents": off("reads consents", "connections are listed and revoked on /agents"),
  "/oauth2/update-consent": off("widens or narrows a consent", "only the consent page grants"),
  "/oauth2/delete-consent": off("deletes a consent", "revoked on /agents, which also ends the connection"),
  "/admin/oauth2/create-client": off("creates any client", "no operator HTTP API"),
  "/admin/oauth2/update-client": off("any client", "no operator HTTP API"),
  "/admin/oauth2/resources": off("protected resources", "the one resource is configured in code"),
  "/admin/oauth2/resources/:identifier": off("a protected resource", "the one resource is configured in code"),
  "/admin/oauth2/resources/:identifier/clients/:client_id": off("links a client to a resource", "registration links clients to /mcp"),
} as const satisfies Record<string, AuthRoute>;

/** Better Auth endpoints without an HTTP path: callable only from our own code. */
export const serverOnlyEndpoints = ["addMember", "setPassword", "verifyApiKey", "deleteAllExpiredApiKeys", "signJWT", "verifyJWT"] as const;

export type AuthRoutePath = keyof typeof authRoutes;

export function authRouteOf(path: string): AuthRoute | undefined {
  return Object.hasOwn(authRoutes, path) ? (authRoutes as Record<string, AuthRoute>)[path] : undefined;
}
