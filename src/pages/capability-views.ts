import { autoGrantedCapabilities } from "../../generated/capabilities.js";
import { type CapabilityDescription, describeCapability } from "../agents/discovery/capability-description.js";
import { PASSKEYS_PAGE_PATH } from "../config/page-paths.js";
import { html, type SafeHtml } from "./html.js";
import type { PageUser, StoreMembership } from "./page-session.js";

/**
 * Markup shared by the pages that show capabilities (device approval,
 * approvals inbox, connected agents). `idPrefix` keeps element ids unique
 * when one page holds several forms.
 */

/** `POST /v1/orders · scope storefront · changes data`: what the capability lets the agent do. */
export function capabilityFacts(capability: CapabilityDescription): SafeHtml {
  return html`${capability.method} ${capability.path} · scope ${capability.scope} ·
      ${capability.changesData ? html`<span class="changes">changes data</span>` : "read-only"}${capability.needsPasskey ? html` · <strong>needs your passkey</strong>` : ""}`;
}

/** What the viewer may approve: admin capabilities need an owner/admin, `webauthn` ones a registered passkey. */
export interface ApproverRights {
  readonly manages: boolean;
  readonly hasPasskey: boolean;
}

/**
 * A checkbox to approve one requested capability (`checked`: the merchant's
 * choice so far, when a form comes back); disabled when the viewer
 * cannot approve it (admin ones for a user who manages no store, `webauthn`
 * ones without a passkey). `data-needs-passkey` tells passkeys.js to confirm
 * the approval with a passkey first.
 */
export function capabilityChoice(capability: CapabilityDescription, rights: ApproverRights, idPrefix = "", checked = true): SafeHtml {
  const id = `${idPrefix}cap-${capability.name}`;
  const adminWithoutRights = capability.scope === "admin" && !rights.manages;
  const passkeyMissing = capability.needsPasskey && !rights.hasPasskey;
  return html`<div class="capability">
  <input type="checkbox" id="${id}" name="capabilities" value="${capability.name}" ${adminWithoutRights || passkeyMissing ? "disabled" : checked ? "checked" : ""} ${capability.needsPasskey ? "data-needs-passkey" : ""} aria-describedby="${id}-meta">
  <div>
    <label for="${id}">${capability.summary} <code>${capability.name}</code></label>
    <span id="${id}-meta" class="meta">${capabilityFacts(capability)}
      ${adminWithoutRights ? " · only an owner or admin can approve this" : ""}${passkeyMissing ? " · register a passkey to approve this" : ""}</span>
  </div>
</div>`;
}

/**
 * Above a list of requested capabilities: how the ones that need a passkey
 * are approved, or, for a viewer without one, where to register it (coming
 * back to `returnTo`) and that the others can be approved now.
 */
export function passkeyNotice(requested: readonly CapabilityDescription[], hasPasskey: boolean, returnTo: string): SafeHtml {
  const strong = requested.filter((capability) => capability.needsPasskey).map((capability) => capability.name);
  if (strong.length === 0) return html``;
  if (hasPasskey) return html`<p class="meta">Approving ${strong.join(", ")} asks for your passkey: your browser will prompt you.</p>`;
  const register = `${PASSKEYS_PAGE_PATH}?${new URLSearchParams({ return_to: returnTo }).toString()}`;
  return html`<p class="alert" role="note">Approving ${strong.join(", ")} needs a passkey, and you have none yet.
  <a href="${register}">Register a passkey</a>, then come back to this page. You can approve the other capabilities now.</p>`;
}

/** Inside an approval form: where passkeys.js puts the assertion, and where it reports progress. */
export function passkeyFormParts(): SafeHtml {
  return html`<input type="hidden" name="webauthn_response" value="">
  <p class="meta" data-passkey-status role="status" aria-live="polite"></p>`;
}

/**
 * The store the agent will act for: a fixed value when there is nothing to
 * choose (one store, or `fixed`: the agent is already pinned to one of the
 * user's stores, so approving more must not silently re-point it), else a select.
 */
export function storeChoice(user: PageUser, idPrefix = "", fixed?: StoreMembership, selectedId?: string): SafeHtml {
  const only = fixed ?? (user.stores.length === 1 ? user.stores[0] : undefined);
  if (only) {
    return html`<input type="hidden" name="organization_id" value="${only.organizationId}"><p>Store: <strong>${only.name}</strong></p>`;
  }
  const id = `${idPrefix}organization_id`;
  return html`<label for="${id}">Store the agent will act for</label>
<select id="${id}" name="organization_id" required>
  ${user.stores.map((store) => html`<option value="${store.organizationId}"${store.organizationId === selectedId ? " selected" : ""}>${store.name}${store.manages ? " (owner/admin)" : ""}</option>`)}
</select>`;
}

/** A plain list of capabilities with what each lets the agent do (no controls): result pages, denied ones on /agents. */
export function capabilityList(items: readonly CapabilityDescription[], labelledBy: string): SafeHtml {
  return html`<ul aria-labelledby="${labelledBy}" style="list-style:none;padding:0">${items.map(
    (capability) =>
      html`<li class="capability"><div><strong>${capability.summary}</strong> <code>${capability.name}</code><br><span class="meta">${capabilityFacts(capability)}</span></div></li>`,
  )}</ul>`;
}

/**
 * What a trusted host's new agents get without asking the merchant, in plain
 * words, derived from the contract's auto-granted capabilities
 * (`x-agent-auto-grant`) and whether each changes data: never a fixed sentence
 * that an edit of the contract could make untrue.
 */
export function autoGrantedWording(): SafeHtml {
  const described = autoGrantedCapabilities.map(describeCapability);
  const reads = described.filter((capability) => !capability.changesData);
  const writes = described.filter((capability) => capability.changesData);
  if (described.length === 0) return html`Its new agents get nothing without asking you: every capability needs your approval.`;
  const codeNames = (list: readonly CapabilityDescription[]) =>
    list.map((capability, index) => html`${index > 0 ? ", " : ""}<code>${capability.name}</code>`);
  return html`Its new agents get these capabilities at once, without asking you:
${reads.length > 0 ? html`read-only ${codeNames(reads)}` : ""}${reads.length > 0 && writes.length > 0 ? "; " : ""}${
  writes.length > 0
    ? html`<span class="changes">changing data</span> ${writes.map(
        (capability, index) =>
          html`${index > 0 ? ", " : ""}<code>${capability.name}</code> (${capability.summary.toLowerCase()}, ${capability.method} ${capability.path})`,
      )}`
    : ""
}. Anything else still asks you.`;
}
