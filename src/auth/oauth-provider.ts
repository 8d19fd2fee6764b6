import { oauthProvider } from "@better-auth/oauth-provider";
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
  ];
}
