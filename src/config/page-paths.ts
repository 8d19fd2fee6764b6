/**
 * Where the merchant's pages live: linked from notifications, refusals and
 * discovery, so code outside the pages names them from here.
 */

/** The device authorization page unless AGENT_DEVICE_AUTH_PAGE says otherwise (the plugin's default too). */
export const DEFAULT_DEVICE_AUTH_PAGE = "/device/capabilities";

/** Where a merchant finds the CIBA approval requests addressed to them (linked from notifications). */
export const APPROVALS_INBOX_PATH = "/agents/approvals";

/** The connected agents page (list, limits, revoke). */
export const CONNECTED_AGENTS_PATH = "/agents";

/** Where a signed-in merchant lists and registers passkeys (named in refusals that need one). */
export const PASSKEYS_PAGE_PATH = "/account/passkeys";

/** The console's landing page: sign-in when signed out, the store switcher and links when signed in. */
export const HOME_PATH = "/";

/** Where a signed-in merchant creates, lists and revokes the active store's API keys. */
export const API_KEYS_PAGE_PATH = "/account/api-keys";

/** The API's documentation (served by the docs pages). */
export const DOCS_PATH = "/docs";

/** The sign-in page (GET) and form (POST); `?return_to=` a same-site path to go back to. */
export const SIGN_IN_PATH = "/account/sign-in";

/** Ends the Better Auth session (POST with the CSRF token), then back to the landing page. */
export const SIGN_OUT_PATH = "/account/sign-out";

/** Makes one of the user's stores the active one of their session (POST with the CSRF token). */
export const ACTIVE_STORE_PATH = "/account/store";

/** Where the OAuth provider sends a signed-out user (redirects to the sign-in page, then back to the authorization). */
export const OAUTH_SIGN_IN_PATH = "/oauth/sign-in";

/** The consent page of MCP clients: the merchant's approval of a client's tools and limits for one store. */
export const OAUTH_CONSENT_PATH = "/oauth/consent";
