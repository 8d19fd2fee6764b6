/** Where Better Auth is mounted; the agent-auth plugin needs the base URL to end with it. */
export const AUTH_BASE_PATH = "/api/auth";

/**
 * The server's URLs, derived once from BETTER_AUTH_URL and API_PUBLIC_URL
 * (see originsOf) and handed to every part that names or checks one, so that
 * no two parts can disagree about them.
 */
export interface Origins {
  /** BETTER_AUTH_URL as configured: the passkeys' relying party, and links to the merchant pages. */
  readonly authUrl: string;
  /** Its origin: the pinned Host, the pages' CSRF origin, what `htu` names on capability/execute. */
  readonly authOrigin: string;
  /** Better Auth's base URL and the protocol's issuer, `<authUrl>/api/auth`. */
  readonly authBaseUrl: string;
  /** API_PUBLIC_URL's origin: `<origin>/v1` is the audience of tokens for the API; 401 challenges point here. */
  readonly publicOrigin: string;
}

/**
 * @example
 * originsOf("http://localhost:3005").authBaseUrl // "http://localhost:3005/api/auth"
 * originsOf("https://auth.example", "https://api.example/").publicOrigin // "https://api.example"
 */
export function originsOf(authUrl: string, publicUrl: string = authUrl): Origins {
  return {
    authUrl,
    authOrigin: new URL(authUrl).origin,
    authBaseUrl: `${authUrl}${AUTH_BASE_PATH}`,
    publicOrigin: new URL(publicUrl).origin,
  };
}

/** Where the MCP endpoint is served; `<publicOrigin>/mcp` is the resource its OAuth tokens are for (RFC 8707). */
export const MCP_PATH = "/mcp";

/** The MCP endpoint's resource identifier: the audience of its access tokens. */
export function mcpResourceOf(origins: Origins): string {
  return `${origins.publicOrigin}${MCP_PATH}`;
}
