import { APPROVALS_INBOX_PATH, CONNECTED_AGENTS_PATH } from "../../config/page-paths.js";
import { agentLabel, shortId } from "../agents/agent-identity.js";
import type { ConnectedAgent } from "../agents/connected-agents.js";
import { capabilityChoice, passkeyFormParts, passkeyNotice, storeChoice } from "../capability-views.js";
import type { CarriedForm } from "../device/carried-form.js";
import { grantsAndDenials } from "../device/device-views.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import { type LimitsView, limitsFieldset } from "../limits-views.js";
import type { PageUser } from "../page-session.js";
import { timeTag } from "../time-view.js";
import type { CibaRequest } from "./pending-ciba.js";

export interface InboxInput {
  readonly user: PageUser;
  readonly requests: readonly CibaRequest[];
  /** Each request's limits fieldset, by approval id. */
  readonly limits: ReadonlyMap<string, LimitsView>;
  readonly csrfToken: string;
  /** Whether the user has a passkey (needed for `webauthn` capabilities). */
  readonly hasPasskey: boolean;
  readonly message?: { readonly text: string; readonly kind: "ok" | "error" };
  /** The agent just decided on (after the redirect), to show what it can use now and what was denied. */
  readonly decided?: ConnectedAgent;
  /** One request's form as the merchant left it (back from a sign-in). */
  readonly carried?: { readonly approvalId: string; readonly form: CarriedForm };
}

/** The CIBA requests sent to the user, one form each: store, capabilities (approve a subset), approve or deny. */
export function inboxPage({ user, requests, limits, csrfToken, hasPasskey, message, decided, carried }: InboxInput): SafeHtml {
  return html`${alertBox(message?.text, message?.kind)}
${
  decided
    ? html`<section aria-labelledby="decided-title"><h2 id="decided-title">Your decision on ${agentLabel(decided.name, decided.id)}</h2>
${grantsAndDenials(decided, 3)}</section>`
    : ""
}
<p>Agents asked <strong>${user.name || user.email}</strong> to approve these requests. See also <a href="${CONNECTED_AGENTS_PATH}">your connected agents</a>.</p>
${user.stores.length === 0 ? html`<p>You are not a member of any store, so you cannot approve agents; you can still deny their requests.</p>` : ""}
${
  requests.length === 0
    ? html`<p>No approval request is waiting for you.</p>`
    : requests.map((request) =>
        requestSection(
          user,
          request,
          limits.get(request.approvalId),
          csrfToken,
          hasPasskey,
          carried?.approvalId === request.approvalId ? carried.form : undefined,
        ),
      )
}`;
}

function requestSection(
  user: PageUser,
  request: CibaRequest,
  limits: LimitsView | undefined,
  csrfToken: string,
  hasPasskey: boolean,
  carried: CarriedForm | undefined,
): SafeHtml {
  const prefix = `r-${request.approvalId}-`;
  const titleId = `${prefix}title`;
  const rights = { manages: user.stores.some((store) => store.manages), hasPasskey };
  const pinned = user.stores.find((store) => store.organizationId === request.pinnedOrganizationId);
  return html`<section aria-labelledby="${titleId}">
<h2 id="${titleId}">${request.agentName} <span class="meta">(${shortId(request.agentId)})</span></h2>
<dl>
  <dt>Host</dt><dd>${request.hostName ?? "unnamed host"}</dd>
  ${request.reasons.length > 0 ? html`<dt>Reason given by the agent</dt>${request.reasons.map((reason) => html`<dd>${reason}</dd>`)}` : ""}
  ${request.bindingMessage ? html`<dt>Message from the agent</dt><dd>${request.bindingMessage}</dd>` : ""}
  <dt>Expires</dt><dd>${timeTag(request.expiresAt)}</dd>
</dl>
${passkeyNotice(request.requested, hasPasskey, APPROVALS_INBOX_PATH)}
<form method="post" action="${APPROVALS_INBOX_PATH}" data-passkey-approval>
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="approval_id" value="${request.approvalId}">
  ${carried ? html`<p class="alert ok" role="status">Your choices are as you left them: check them, then approve or deny.</p>` : ""}
  ${user.stores.length > 0 ? storeChoice(user, prefix, pinned, carried?.organizationId) : ""}
  <fieldset>
    <legend>Capabilities requested by ${request.agentName}</legend>
    ${
      request.requested.length === 0
        ? html`<p>The agent asks to be connected with the capabilities it was registered for.</p>`
        : request.requested.map((capability) =>
            capabilityChoice(capability, rights, prefix, carried ? carried.capabilities.includes(capability.name) : true),
          )
    }
  </fieldset>
  ${limits && user.stores.length > 0 ? limitsFieldset(limits, prefix, carried?.limits) : ""}
  ${passkeyFormParts()}
  ${user.stores.length > 0 ? html`<button type="submit" name="decision" value="approve" aria-describedby="${titleId}">Approve selected</button>` : ""}
  <button type="submit" name="decision" value="deny" class="secondary" aria-describedby="${titleId}">Deny all</button>
</form>
</section>`;
}
