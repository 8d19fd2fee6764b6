/** Parameters the OAuth provider adds when it signs an authorization request for our pages (not the client's own). */
const SIGNATURE_PARAMS = new Set(["sig", "exp", "ba_iat", "ba_pl", "ba_param"]);

/**
 * The client's authorization request, from the signed query the OAuth
 * provider sends to our sign-in and consent pages: re-sent to
 * `/oauth2/authorize` after sign-in, the plugin checks it all again
 * (client, redirect URI, PKCE, resource), so nothing here is trusted.
 */
export function authorizationRequestOf(query: URLSearchParams): URLSearchParams {
  const request = new URLSearchParams();
  for (const [name, value] of query) if (!SIGNATURE_PARAMS.has(name)) request.append(name, value);
  return request;
}

/** The query string a page was opened with (everything after `?`), exactly as sent: the plugin verifies its signature. */
export function rawQueryOf(originalUrl: string): string {
  const start = originalUrl.indexOf("?");
  return start === -1 ? "" : originalUrl.slice(start + 1);
}
