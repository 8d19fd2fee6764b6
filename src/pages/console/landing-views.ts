import {
  ACTIVE_STORE_PATH,
  API_KEYS_PAGE_PATH,
  APPROVALS_INBOX_PATH,
  CONNECTED_AGENTS_PATH,
  DOCS_PATH,
  HOME_PATH,
  PASSKEYS_PAGE_PATH,
} from "../../config/page-paths.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import type { PageUser, StoreMembership } from "../page-session.js";
import { signInForm } from "../sign-in.js";

export type Message = { readonly text: string; readonly kind: "ok" | "error" };

/** What this is, and the sign-in form coming back here. */
export function signedOutLanding(csrfToken: string): SafeHtml {
  return html`<p>The merchant console of the Commerce API: approve the AI agents that act for your store, see and revoke what they
may do, and create API keys for your apps.</p>
${signInForm(csrfToken, HOME_PATH)}
<p>New here? Read the <a href="${DOCS_PATH}">API documentation</a>.</p>`;
}

export interface LandingInput {
  readonly user: PageUser;
  readonly waitingApprovals: number;
  readonly csrfToken: string;
  readonly message: Message | undefined;
}

/** The store switcher and where to go next. */
export function signedInLanding({ user, waitingApprovals, csrfToken, message }: LandingInput): SafeHtml {
  const store = user.activeStore;
  return html`${alertBox(message?.text, message?.kind)}
<p>Signed in as <strong>${user.name || user.email}</strong>${user.name ? html` <span class="meta">(${user.email})</span>` : ""}.</p>
<h2>Store</h2>
${storeSwitcher(user, csrfToken)}
<h2>Manage</h2>
<ul>
  <li><a href="${CONNECTED_AGENTS_PATH}">Agents</a> <span class="meta">· the agents acting for you: their capabilities, limits, revocation</span></li>
  <li><a href="${APPROVALS_INBOX_PATH}">Approvals (${waitingApprovals} waiting)</a> <span class="meta">· agents asking you for capabilities</span></li>
  <li><a href="${API_KEYS_PAGE_PATH}">API keys</a> <span class="meta">· ${store ? html`keys of ${store.name} for your apps` : "keys for your apps"}</span></li>
  <li><a href="${PASSKEYS_PAGE_PATH}">Passkeys</a> <span class="meta">· confirm the approvals that need more than a password</span></li>
  <li><a href="${DOCS_PATH}">Docs</a> <span class="meta">· the API reference and guides</span></li>
</ul>`;
}

function storeSwitcher(user: PageUser, csrfToken: string): SafeHtml {
  const active = user.activeStore;
  if (!active) return html`<p>You are not a member of any store yet: ask a store's owner to invite you.</p>`;
  const current = html`<p>You work in <strong>${active.name}</strong> <span class="meta">(${roleText(active)})</span>.</p>`;
  if (user.stores.length === 1) return current;
  return html`${current}
<form method="post" action="${ACTIVE_STORE_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <label for="organization_id">Switch to another of your stores</label>
  <select id="organization_id" name="organization_id">
    ${user.stores.map(
      (store) =>
        html`<option value="${store.organizationId}"${store.organizationId === active.organizationId ? html` selected` : ""}>${store.name} (${roleText(store)})</option>`,
    )}
  </select>
  <button type="submit">Switch store</button>
</form>`;
}

function roleText(store: StoreMembership): string {
  return store.manages ? "owner or admin" : "member";
}
