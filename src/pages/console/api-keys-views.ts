import type { Scope } from "../../auth/principal.js";
import { API_KEYS_PAGE_PATH } from "../../config/page-paths.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import type { StoreMembership } from "../page-session.js";
import { timeTag } from "../time-view.js";
import type { RevealedKey } from "./key-reveal.js";

export const REVOKE_API_KEY_PATH = `${API_KEYS_PAGE_PATH}/revoke`;

export interface StoreKey {
  readonly id: string;
  readonly name: string;
  /** The first characters of the secret, as Better Auth keeps them (never the secret). */
  readonly start: string | null;
  readonly scopes: readonly Scope[];
  readonly createdAt: Date;
  readonly lastRequest: Date | null;
  readonly expiresAt: Date | null;
}

export type Message = { readonly text: string; readonly kind: "ok" | "error" };

const SCOPE_TEXT: Readonly<Record<Scope, string>> = {
  storefront: "catalog, carts and checkout",
  admin: "manage products, inventory, orders and refunds",
};

export interface ApiKeysPageInput {
  readonly store: StoreMembership;
  readonly keys: readonly StoreKey[];
  readonly revealed: RevealedKey | null;
  readonly csrfToken: string;
  readonly message: Message | undefined;
}

/** The active store's keys of this user, the secret of the key created just before (once), and the form creating one. */
export function apiKeysPage({ store, keys, revealed, csrfToken, message }: ApiKeysPageInput): SafeHtml {
  return html`${alertBox(message?.text, message?.kind)}
${revealed ? revealedKey(revealed) : ""}
<p>Your API keys for <strong>${store.name}</strong>. Apps send one in the <code>x-api-key</code> header; a key acts as you in this store,
within its scopes and your role (a key stops working when you leave the store).</p>
<h2>Your keys</h2>
${keys.length === 0 ? html`<p>You have no API key for this store.</p>` : html`<ul>${keys.map((key) => keyItem(key, store))}</ul>`}
<h2>Create a key</h2>
<form method="post" action="${API_KEYS_PAGE_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="organization_id" value="${store.organizationId}">
  <label for="key-name">Name <span class="meta">(what uses it, e.g. “Web shop”)</span></label>
  <input id="key-name" name="name" type="text" maxlength="64" required autocomplete="off">
  <fieldset>
    <legend>Scopes</legend>
    ${scopeBox("storefront", true)}
    ${store.manages ? scopeBox("admin", false) : html`<p class="meta">Only the owners and admins of ${store.name} can create admin keys.</p>`}
  </fieldset>
  <button type="submit">Create key</button>
</form>`;
}

function scopeBox(scope: Scope, checked: boolean): SafeHtml {
  return html`<div class="capability"><input type="checkbox" id="scope-${scope}" name="scopes" value="${scope}"${checked ? html` checked` : ""}>
<label for="scope-${scope}">${scope} <span class="meta">· ${SCOPE_TEXT[scope]}</span></label></div>`;
}

function revealedKey(key: RevealedKey): SafeHtml {
  return html`<section aria-labelledby="new-key-title" class="alert ok">
<h2 id="new-key-title">New key “${key.name}”</h2>
<p>Copy it now: it is shown only this once. We keep only a hash of it, so it cannot be shown again.</p>
<label for="new-key">Secret of “${key.name}”</label>
<input id="new-key" type="text" readonly value="${key.secret}" autocomplete="off" spellcheck="false">
</section>`;
}

function keyItem(key: StoreKey, store: StoreMembership): SafeHtml {
  const inactive = key.scopes.includes("admin") && !store.manages;
  return html`<li><strong>${key.name}</strong> <code>${key.start ?? ""}…</code>
<span class="meta">· scopes: ${key.scopes.join(", ") || "none"}${inactive ? " (admin not in effect: you are no longer an owner or admin)" : ""}
· created ${timeTag(key.createdAt)} · last used ${timeTag(key.lastRequest)}${key.expiresAt ? html` · expires ${timeTag(key.expiresAt)}` : ""}</span>
<a href="${REVOKE_API_KEY_PATH}?${new URLSearchParams({ key: key.id }).toString()}" aria-label="Revoke ${key.name}">Revoke</a></li>`;
}

/** The confirmation step of a revocation. */
export function revokeConfirmation(key: StoreKey, store: StoreMembership | undefined, csrfToken: string): SafeHtml {
  return html`<p>Revoke the API key <strong>${key.name}</strong> (<code>${key.start ?? ""}…</code>, scopes ${key.scopes.join(", ") || "none"})${
    store ? html` of ${store.name}` : ""
  }? Every app using it is refused from its next request. This cannot be undone.</p>
<form method="post" action="${REVOKE_API_KEY_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="key_id" value="${key.id}">
  <button type="submit">Revoke key</button>
  <a href="${API_KEYS_PAGE_PATH}">Cancel</a>
</form>`;
}

/** A page without a store, or a refusal, with the way back. */
export function apiKeysNotice(text: string): SafeHtml {
  return html`${alertBox(text)}
<p><a href="${API_KEYS_PAGE_PATH}">Back to your API keys</a></p>`;
}
