import { CONNECTED_AGENTS_PATH } from "../../config/page-paths.js";
import { agentLabel, hostLabel } from "../agents/agent-identity.js";
import type { ConnectedAgent } from "../agents/connected-agents.js";
import { capabilityChoice, capabilityList, passkeyFormParts, passkeyNotice, storeChoice } from "../capability-views.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import { type LimitsView, limitsFieldset } from "../limits-views.js";
import type { PageUser } from "../page-session.js";
import type { CarriedForm } from "./carried-form.js";
import type { PendingApproval } from "./pending-approval.js";

/**
 * Step 1, or a correction: type the code the agent printed. With `agentId`
 * (a link whose code did not match) the code is checked against that agent's
 * request, like the link: a wrong one counts once, the right one nothing.
 */
export function codeEntryForm(
  action: string,
  { agentId, message }: { agentId?: string | undefined; message?: string | undefined } = {},
): SafeHtml {
  return html`${alertBox(message)}
<form method="get" action="${action}">
  ${agentId ? html`<input type="hidden" name="agent_id" value="${agentId}">` : ""}
  <label for="code">Code shown by the agent</label>
  <input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" aria-describedby="code-help" required>
  <p id="code-help" class="meta">Eight letters and digits, as in <code>ABCD-2345</code>.${agentId ? " Each wrong code counts: after 5 the request is closed and the agent must ask again." : ""}</p>
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
  readonly message?: string | undefined;
  /** The merchant's choices when the form comes back to them; else every capability they may approve is ticked. */
  readonly carried?: CarriedForm | undefined;
}

/** Step 2: who is asking, for what, on which store; approve a subset or deny. */
export function approvalForm({
  action,
  csrfToken,
  code,
  approval,
  user,
  hasPasskey,
  limits,
  message,
  carried,
}: ApprovalFormInput): SafeHtml {
  const rights = { manages: user.stores.some((store) => store.manages), hasPasskey };
  const self = `${action}?${new URLSearchParams({ agent_id: approval.agentId, code }).toString()}`;
  return html`${alertBox(message)}
<p>An AI agent asks to act for you, <strong>${user.name || user.email}</strong>.</p>
<dl>
  <dt>Agent</dt><dd>${agentLabel(approval.agentName, approval.agentId)}</dd>
  <dt>Host</dt><dd>${hostLabel(approval.hostName, approval.hostId)}</dd>
  ${approval.reasons.length > 0 ? html`<dt>Reason given by the agent</dt>${approval.reasons.map((reason) => html`<dd>${reason}</dd>`)}` : ""}
  ${approval.bindingMessage ? html`<dt>Message from the agent</dt><dd>${approval.bindingMessage}</dd>` : ""}
</dl>
<p class="meta">These are the agent's own words: what it may do is only what you tick below.</p>
<p class="meta">Check that the code <code>${code}</code> is the one your agent shows.</p>
${passkeyNotice(approval.requested, hasPasskey, self)}
<form method="post" action="${action}" data-passkey-approval>
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="agent_id" value="${approval.agentId}">
  <input type="hidden" name="code" value="${code}">
  ${storeChoice(user, "", undefined, carried?.organizationId)}
  <fieldset>
    <legend>Capabilities requested</legend>
    ${approval.requested.map((capability) => capabilityChoice(capability, rights, "", carried ? carried.capabilities.includes(capability.name) : true))}
  </fieldset>
  ${limitsFieldset(limits, "", carried?.limits)}
  ${passkeyFormParts()}
  <button type="submit" name="decision" value="approve">Approve selected</button>
  <button type="submit" name="decision" value="deny" class="secondary">Deny all</button>
</form>`;
}

/** The end of the flow: what happened, and that the agent continues on its own. */
export function outcome(message: string, kind: "ok" | "error"): SafeHtml {
  return html`${alertBox(message, kind)}<p>You can close this page; the agent notices on its own. See <a href="${CONNECTED_AGENTS_PATH}">your connected agents</a>.</p>`;
}

export type Decision = "approved" | "denied";

/**
 * The page an approval or denial redirects to (303, so a reload only reads):
 * what the agent can use now and what it was denied, read from its grants,
 * never from the link. `decision` only picks the headline, and "approved"
 * is claimed only for an agent that holds something.
 */
export function decisionResult(agent: ConnectedAgent, decision: Decision | undefined): SafeHtml {
  const label = agentLabel(agent.name, agent.id);
  const store = agent.store.name ? html` for <strong>${agent.store.name}</strong>` : "";
  const headline =
    decision === "approved" && agent.grants.length > 0
      ? html`You approved <strong>${label}</strong>${store}.`
      : decision === "denied"
        ? html`You denied <strong>${label}</strong>: it got nothing new from this request.`
        : html`Your decision on <strong>${label}</strong> is recorded.`;
  return html`<p class="alert ok" role="status">${headline}</p>
<dl>
  <dt>Agent</dt><dd>${label}</dd>
  <dt>Host</dt><dd>${hostLabel(agent.hostName, agent.hostId)}</dd>
  <dt>Status</dt><dd>${agent.status}</dd>
</dl>
${grantsAndDenials(agent)}
<p>You can close this page; the agent notices on its own. Change or revoke this later on <a href="${CONNECTED_AGENTS_PATH}">your connected agents</a>.</p>`;
}

/** What an agent can use now and what it was denied, as two headed lists (`level`: the heading level where they sit). */
export function grantsAndDenials(agent: ConnectedAgent, level: 2 | 3 = 2): SafeHtml {
  const heading = (id: string, text: string) => (level === 2 ? html`<h2 id="${id}">${text}</h2>` : html`<h3 id="${id}">${text}</h3>`);
  const prefix = `result-${agent.id}`;
  return html`${heading(`${prefix}-granted`, "It can use now")}
${agent.grants.length > 0 ? capabilityList(agent.grants, `${prefix}-granted`) : html`<p>Nothing: every call it makes is refused.</p>`}
${
  agent.denied.length > 0
    ? html`${heading(`${prefix}-denied`, "Denied")}
<p class="meta">It asked for these and cannot use them.</p>
${capabilityList(agent.denied, `${prefix}-denied`)}`
    : ""
}
${agent.pending.length > 0 ? html`<p class="meta">Still waiting for a decision: ${agent.pending.join(", ")}.</p>` : ""}`;
}
