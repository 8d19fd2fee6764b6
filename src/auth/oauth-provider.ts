import { oauthProvider } from "@better-auth/oauth-provider";
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { jwt } from "better-auth/plugins/jwt";
import { OAUTH_CONSENT_PATH, OAUTH_SIGN_IN_PATH } from "../config/page-paths.js";

/** The one OAuth scope: "use this store's MCP tools", narrowed per tool on the consent page (see pages/consent). */
export const MCP_SCOPE = "commerce";

/** Asked for by clients that want a refresh token (the MCP SDK does by default). */
export const OFFLINE_SCOPE = "offline_access";

/**
 * The authorization server MCP clients use (issue #16): Better Auth's OAuth
 * 2.1 provider, with only what a remote MCP endpoint needs.
 *
 * - Resource indicators (RFC 8707): the only resource is the MCP endpoint;
 *   its tokens are JWTs with `aud` = that URL (signed with the JWT plugin's
 *   Ed25519 keys, published at /api/auth/jwks), so /mcp verifies them
 *   locally and a token minted for anything else is refused there.
 * - Dynamic client registration (RFC 7591) is open, as MCP clients expect:
 *   a registered client may ask, but only a merchant's consent grants.
 *   Public clients must use PKCE (S256 only, the plugin's rule).
 * - Grants: authorization code and refresh token. No client credentials:
 *   a token without a user would carry no merchant's authority.
 * - Sign-in and consent are our pages: the consent page is the merchant's
 *   approval page (store, tools, limits), which records the client's grants
 *   as an agent before it tells the plugin to issue the code.
 *
 * Every route these plugins mount is classified in auth/inventory/auth-routes.ts;
 * what is not needed is refused there.
 */
export function mcpAuthorizationServer(mcpResource: string) {
  return [
    // Access tokens are JWTs only with the JWT plugin; the session JWT header it can add is not wanted.
    jwt({ disableSettingJwtHeader: true }),
    oauthProvider({
      scopes: [MCP_SCOPE, OFFLINE_SCOPE],
      clientRegistrationDefaultScopes: [MCP_SCOPE, OFFLINE_SCOPE],
      resources: [{ identifier: mcpResource, name: "Commerce MCP endpoint" }],
      enforcePerClientResources: true,
      clientRegistrationDefaultResources: [mcpResource],
      allowDynamicClientRegistration: true,
      allowUnauthenticatedClientRegistration: true,
      grantTypes: ["authorization_code", "refresh_token"],
      // Short: a revoked connection is refused at once anyway (the agent behind it is checked per call).
      accessTokenExpiresIn: 900,
      loginPage: OAUTH_SIGN_IN_PATH,
      consentPage: OAUTH_CONSENT_PATH,
    }),
    loopbackClientsAreNative(),
  ];
}

/** The loopback hosts RFC 8252 §7.3 lets a native app listen on with plain http. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * MCP clients on the user's machine (desktop assistants, CLIs, the official
 * SDK's examples) register `http://localhost:<port>/callback` without an
 * `application_type`; OpenID's default for that field is `web`, and the
 * plugin refuses plain-http loopback redirects for web clients. Such a
 * client is a native app by RFC 8252 (only a program on the user's machine
 * can receive that redirect), so it is registered as one: a public client,
 * PKCE required. A client that states its type keeps it.
 */
function loopbackClientsAreNative(): BetterAuthPlugin {
  return {
    id: "commerce-loopback-native-clients",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === "/oauth2/register",
          handler: createAuthMiddleware(async (ctx) => {
            const body = ctx.body as { application_type?: unknown; redirect_uris?: unknown } | undefined;
            if (!body || body.application_type !== undefined || !Array.isArray(body.redirect_uris) || body.redirect_uris.length === 0)
              return;
            if (!body.redirect_uris.every(isHttpLoopback)) return;
            return { context: { body: { ...body, application_type: "native" } } };
          }),
        },
      ],
    },
  };
}

function isHttpLoopback(uri: unknown): boolean {
  if (typeof uri !== "string" || !URL.canParse(uri)) return false;
  const url = new URL(uri);
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
}
