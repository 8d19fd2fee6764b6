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
