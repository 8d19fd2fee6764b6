import type { PasskeySummary } from "../../auth/user-passkeys.js";
import { CONNECTED_AGENTS_PATH } from "../../config/page-paths.js";
import { html, type SafeHtml } from "../html.js";
import type { PageUser } from "../page-session.js";
import { timeTag } from "../time-view.js";

export interface PasskeysPageInput {
  readonly user: PageUser;
  readonly passkeys: readonly PasskeySummary[];
  /** The approval page the user came from, to go back to once registered. */
  readonly returnTo: string | undefined;
}

/**
 * The user's passkeys and the button that registers one. The buttons work
 * through passkeys.js (WebAuthn has no form-only path); the page says so
 * when scripts are off.
 */
export function passkeysPage({ user, passkeys, returnTo }: PasskeysPageInput): SafeHtml {
  return html`<p>Passkeys confirm the approvals that need more than your password, <strong>${user.name || user.email}</strong>:
letting an agent refund orders (<code>adminRefundOrder</code>) is one. Your browser or device keeps the passkey and asks for your PIN,
fingerprint or face each time.</p>
${returnTo ? html`<p><a href="${returnTo}">Back to the approval</a></p>` : ""}
<h2>Your passkeys</h2>
${
  passkeys.length === 0
    ? html`<p>You have no passkey yet.</p>`
    : html`<ul>${passkeys.map((passkey) => passkeyItem(passkey))}</ul>
<p class="meta">Adding or removing a passkey asks for one of the passkeys you already have.</p>`
}
<h2>Add a passkey</h2>
<label for="passkey-name">Name <span class="meta">(optional, e.g. “Work laptop”)</span></label>
<input id="passkey-name" type="text" maxlength="64" autocomplete="off">
<button type="button" data-passkey-add>Add a passkey</button>
<p class="meta" data-passkey-status role="status" aria-live="polite"></p>
<noscript><p class="alert">Passkeys need JavaScript in this browser.</p></noscript>
<p>See also <a href="${CONNECTED_AGENTS_PATH}">your connected agents</a>.</p>`;
}

function passkeyItem(passkey: PasskeySummary): SafeHtml {
  const name = passkey.name || "Passkey";
  return html`<li><strong>${name}</strong> <span class="meta">· added ${timeTag(passkey.createdAt, "at an unknown time")} ·
  ${passkey.deviceType === "multiDevice" ? "synced across your devices" : "on one device"}</span>
  <button type="button" class="secondary" data-passkey-remove="${passkey.id}" aria-label="Remove ${name}">Remove</button></li>`;
}
