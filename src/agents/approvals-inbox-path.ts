/** Where a merchant finds the CIBA approval requests addressed to them (linked from notifications). */
export const APPROVALS_INBOX_PATH = "/agents/approvals";

/** The connected agents page (list, revoke). */
export const CONNECTED_AGENTS_PATH = "/agents";
