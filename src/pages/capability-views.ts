import type { CapabilityDescription } from "../agents/capability-description.js";
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
      ${capability.changesData ? html`<span class="changes">changes data</span>` : "read-only"}`;
}

/** A checkbox to approve one requested capability; admin ones are disabled for a user who manages no store. */
export function capabilityChoice(capability: CapabilityDescription, manages: boolean, idPrefix = ""): SafeHtml {
  const id = `${idPrefix}cap-${capability.name}`;
  const adminWithoutRights = capability.scope === "admin" && !manages;
  return html`<div class="capability">
  <input type="checkbox" id="${id}" name="capabilities" value="${capability.name}" ${adminWithoutRights ? "disabled" : "checked"} aria-describedby="${id}-meta">
  <div>
    <label for="${id}">${capability.summary} <code>${capability.name}</code></label>
    <span id="${id}-meta" class="meta">${capabilityFacts(capability)}
      ${adminWithoutRights ? " · only an owner or admin can approve this" : ""}</span>
  </div>
</div>`;
}

/**
 * The store the agent will act for: a fixed value when there is nothing to
 * choose (one store, or `fixed`: the agent is already pinned to one of the
 * user's stores, so approving more must not silently re-point it), else a select.
 */
export function storeChoice(user: PageUser, idPrefix = "", fixed?: StoreMembership): SafeHtml {
  const only = fixed ?? (user.stores.length === 1 ? user.stores[0] : undefined);
  if (only) {
    return html`<input type="hidden" name="organization_id" value="${only.organizationId}"><p>Store: <strong>${only.name}</strong></p>`;
  }
  const id = `${idPrefix}organization_id`;
  return html`<label for="${id}">Store the agent will act for</label>
<select id="${id}" name="organization_id" required>
  ${user.stores.map((store) => html`<option value="${store.organizationId}">${store.name}${store.manages ? " (owner/admin)" : ""}</option>`)}
</select>`;
}
