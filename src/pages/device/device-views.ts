import { CONNECTED_AGENTS_PATH } from "../../config/page-paths.js";
import { capabilityChoice, passkeyFormParts, passkeyNotice, storeChoice } from "../capability-views.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import { type LimitsView, limitsFieldset } from "../limits-views.js";
import type { PageUser } from "../page-session.js";
import type { PendingApproval } from "./pending-approval.js";

/** Step 1 without a code in the link: type the code the agent printed. */
export function codeEntryForm(action: string, message?: string): SafeHtml {
  return html`${alertBox(message)}
<form method="get" action="${action}">
  <label for="code">Code shown by the agent</label>
  <input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" aria-describedby="code-help" required>
  <p id="code-help" class="meta">Eight letters and digits, as in <code>ABCD-2345</code>.</p>
  <button type="submit">Continue</button>
</form>`;
}

export interface ApprovalFormInput {
  readonly action: string;
  readonly csrfToken: string;
  readonly code: string;
  readonly approval: PendingApproval;
  readonly user: PageUser;
  /** Whether the user has a passkey (needed for `webauthn` capabilities). */
  readonly hasPasskey: boolean;
  /** The limits fieldset: what the agent asked for, and the merchant's limits so far. */
  readonly limits: LimitsView;
  readonly message?: string;
}

/** Step 2: who is asking, for what, on which store; approve a subset or deny. */
export function approvalForm({ action, csrfToken, code, approval, user, hasPasskey, limits, message }: ApprovalFormInput): SafeHtml {
  const rights = { manages: user.stores.some((store) => store.manages), hasPasskey };
  const self = `${action}?${new URLSearchParams({ agent_id: approval.agentId, code }).toString()}`;
  return html`${alertBox(message)}
<p>An AI agent asks to act for you, <strong>${user.name || user.email}</strong>.</p>
<dl>
  <dt>Agent</dt><dd>${approval.agentName}</dd>
  <dt>Host</dt><dd>${approval.hostName ?? "unnamed host"}</dd>
  ${approval.bindingMessage ? html`<dt>Message from the agent</dt><dd>${approval.bindingMessage}</dd>` : ""}
</dl>
<p class="meta">Check that the code <code>${code}</code> is the one your agent shows.</p>
${passkeyNotice(approval.requested, hasPasskey, self)}
<form method="post" action="${action}" data-passkey-approval>
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="agent_id" value="${approval.agentId}">
  <input type="hidden" name="code" value="${code}">
  ${storeChoice(user)}
  <fieldset>
    <legend>Capabilities requested</legend>
    ${approval.requested.map((capability) => capabilityChoice(capability, rights))}
  </fieldset>
  ${limitsFieldset(limits)}
  ${passkeyFormParts()}
  <button type="submit" name="decision" value="approve">Approve selected</button>
  <button type="submit" name="decision" value="deny" class="secondary">Deny all</button>
</form>`;
}

/** The end of the flow: what happened, and that the agent continues on its own. */
export function outcome(message: string, kind: "ok" | "error"): SafeHtml {
  return html`${alertBox(message, kind)}<p>You can close this page; the agent notices on its own. See <a href="${CONNECTED_AGENTS_PATH}">your connected agents</a>.</p>`;
}
