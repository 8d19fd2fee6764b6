import type { CapabilityDescription } from "../../agents/discovery/capability-description.js";
import { APPROVALS_INBOX_PATH, CONNECTED_AGENTS_PATH, PASSKEYS_PAGE_PATH } from "../../config/page-paths.js";
import { autoGrantedWording, capabilityFacts, capabilityList } from "../capability-views.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import { type LimitsView, limitsFieldset, limitsSummary } from "../limits-views.js";
import type { PageUser } from "../page-session.js";
import { timeTag } from "../time-view.js";
import { agentLabel, hostLabel, shortId } from "./agent-identity.js";
import type { AgentStore, ConnectedAgent, ConnectedHost } from "./connected-agents.js";

export const REVOKE_AGENT_PATH = "/agents/revoke";
export const REVOKE_CAPABILITY_PATH = "/agents/revoke-capability";
export const AGENT_LIMITS_PATH = "/agents/limits";

export interface AgentsPageInput {
  readonly user: PageUser;
  readonly agents: readonly ConnectedAgent[];
  readonly hosts: readonly ConnectedHost[];
  /** Limits of the live agents that act for a store, by agent id. */
  readonly limits: ReadonlyMap<string, LimitsView>;
  readonly waitingApprovals: number;
  readonly csrfToken: string;
  readonly message?: { readonly text: string; readonly kind: "ok" | "error" };
}

/** Every agent acting for the user, what each may do, and buttons to take any of it back. */
export function agentsPage({ user, agents, hosts, limits, waitingApprovals, csrfToken, message }: AgentsPageInput): SafeHtml {
  const live = agents.filter((agent) => !agent.ended);
  const ended = agents.filter((agent) => agent.ended);
  return html`${alertBox(message?.text, message?.kind)}
<p>Agents acting for you, <strong>${user.name || user.email}</strong>. Revoking takes effect on the agent's very next request.</p>
<p><a href="${APPROVALS_INBOX_PATH}">Approval requests waiting for you: ${waitingApprovals}</a> · <a href="${PASSKEYS_PAGE_PATH}">Your passkeys</a></p>
${live.length === 0 ? html`<p>No agent is connected.</p>` : live.map((agent) => agentSection(agent, limits.get(agent.id), csrfToken))}
${
  ended.length > 0
    ? html`<details><summary>Revoked and rejected agents (${ended.length})</summary><ul>
  ${ended.map((agent) => html`<li>${agentLabel(agent.name, agent.id)} · ${agent.status} · host ${hostLabel(agent.hostName, agent.hostId)} · connected ${timeTag(agent.createdAt)} · last used ${timeTag(agent.lastUsedAt)}</li>`)}
</ul></details>`
    : ""
}
<h2>Hosts</h2>
${
  hosts.length === 0
    ? html`<p>No host is linked to you yet: a host is linked when you approve its first agent.</p>`
    : html`<p class="meta">A host is the program or machine agents run on; it is linked to you when you approve its first agent. ${autoGrantedWording()}</p>
<ul>${hosts.map(hostItem)}</ul>`
}`;
}

function agentSection(agent: ConnectedAgent, limits: LimitsView | undefined, csrfToken: string): SafeHtml {
  const titleId = `agent-${agent.id}`;
  const label = agentLabel(agent.name, agent.id);
  return html`<section aria-labelledby="${titleId}">
<h2 id="${titleId}">${agent.name} <span class="meta">(${shortId(agent.id)})</span></h2>
<dl>
  <dt>Agent id</dt><dd><code>${agent.id}</code></dd>
  <dt>Status</dt><dd>${agent.status}</dd>
  <dt>Host</dt><dd>${hostLabel(agent.hostName, agent.hostId)}</dd>
  <dt>Store</dt><dd>${storeText(agent.store)}</dd>
  <dt>Connected</dt><dd>${timeTag(agent.createdAt)}</dd>
  <dt>Last used</dt><dd>${timeTag(agent.lastUsedAt)}</dd>
</dl>
${
  agent.grants.length === 0
    ? html`<p>No capability is granted.</p>`
    : html`<h3 id="${titleId}-grants">Granted capabilities</h3>
<ul aria-labelledby="${titleId}-grants" style="list-style:none;padding:0">${agent.grants.map((grant) => grantItem(agent, grant))}</ul>`
}
${agent.pending.length > 0 ? html`<p class="meta">Waiting for a decision: ${agent.pending.join(", ")}.</p>` : ""}
${
  agent.denied.length > 0
    ? html`<h3 id="${titleId}-denied">Denied capabilities</h3>
<p class="meta">Asked for and not approved: the agent cannot use these.</p>
${capabilityList(agent.denied, `${titleId}-denied`)}`
    : ""
}
${limits ? limitsSection(agent, limits, csrfToken) : ""}
<form method="get" action="${REVOKE_AGENT_PATH}">
  <input type="hidden" name="agent_id" value="${agent.id}">
  <button type="submit" aria-label="Revoke agent ${label}">Revoke agent…</button>
</form>
</section>`;
}

/** One granted capability; its revoke button leads to a confirmation page (nothing changes on this click). */
function grantItem(agent: ConnectedAgent, grant: CapabilityDescription): SafeHtml {
  return html`<li class="capability">
  <div style="flex:1"><strong>${grant.summary}</strong> <code>${grant.name}</code><br><span class="meta">${capabilityFacts(grant)}</span></div>
  <form method="get" action="${REVOKE_CAPABILITY_PATH}">
    <input type="hidden" name="agent_id" value="${agent.id}">
    <input type="hidden" name="capability" value="${grant.name}">
    <button type="submit" class="secondary" aria-label="Revoke ${grant.name} from ${agentLabel(agent.name, agent.id)}">Revoke…</button>
  </form>
</li>`;
}

/** The agent's limits in plain words, and a form to change them (raising one asks for a recent sign-in). */
function limitsSection(agent: ConnectedAgent, limits: LimitsView, csrfToken: string): SafeHtml {
  const titleId = `agent-${agent.id}-limits`;
  return html`<h3 id="${titleId}">Limits</h3>
${limitsSummary(limits.current)}
<details><summary>Change the limits of ${agentLabel(agent.name, agent.id)}</summary>
<form method="post" action="${AGENT_LIMITS_PATH}" aria-labelledby="${titleId}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="agent_id" value="${agent.id}">
  ${limitsFieldset(limits, `a-${agent.id}-`)}
  <button type="submit" aria-label="Save the limits of ${agentLabel(agent.name, agent.id)}">Save limits</button>
</form>
</details>`;
}

function hostItem(host: ConnectedHost): SafeHtml {
  return html`<li><strong>${host.name ?? "unnamed host"}</strong> <span class="meta">(${shortId(host.id)})</span> · ${host.status} · ${host.agentCount} ${host.agentCount === 1 ? "agent" : "agents"} ·
  first seen ${timeTag(host.createdAt)} · last used ${timeTag(host.lastUsedAt)}<br>
  <span class="meta">${
    host.defaults.length > 0
      ? html`Its new agents get without asking you: ${host.defaults.map((capability, index) => html`${index > 0 ? ", " : ""}<code>${capability.name}</code>${capability.changesData ? html` <span class="changes">(changes data)</span>` : ""}`)}.`
      : "Its new agents get nothing without asking you."
  }</span></li>`;
}

function storeText(store: AgentStore): SafeHtml {
  switch (store.how) {
    case "pinned":
      return html`${store.name}`;
    case "only store":
      return html`${store.name} <span class="meta">(your only store)</span>`;
    case "none chosen":
      return html`none chosen <span class="meta">(you belong to several stores: its calls are refused until it is approved for one)</span>`;
    case "membership ended":
      return html`a store you no longer belong to <span class="meta">(its calls are refused)</span>`;
  }
}

/** The second step of revoking an agent: what goes, and a button that does it (the only one that does). */
export function revokeAgentConfirmation(agent: ConnectedAgent, csrfToken: string): SafeHtml {
  const label = agentLabel(agent.name, agent.id);
  return html`<p>Revoke <strong>${label}</strong>?</p>
<dl>
  <dt>Agent id</dt><dd><code>${agent.id}</code></dd>
  <dt>Host</dt><dd>${hostLabel(agent.hostName, agent.hostId)}</dd>
  <dt>Store</dt><dd>${storeText(agent.store)}</dd>
  <dt>Connected</dt><dd>${timeTag(agent.createdAt)}</dd>
  <dt>Last used</dt><dd>${timeTag(agent.lastUsedAt)}</dd>
</dl>
<p>Its next request is refused and it loses every capability${agent.grants.length > 0 ? html`: ${agent.grants.map((grant, index) => html`${index > 0 ? ", " : ""}<code>${grant.name}</code>`)}` : ""}. This cannot be undone: to use it again, the agent must connect again and you must approve it.</p>
<form method="post" action="${REVOKE_AGENT_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="agent_id" value="${agent.id}">
  <input type="hidden" name="confirm" value="yes">
  <button type="submit">Yes, revoke ${label}</button>
  <a href="${CONNECTED_AGENTS_PATH}">Cancel, keep it</a>
</form>`;
}

/** The second step of revoking one capability. */
export function revokeCapabilityConfirmation(agent: ConnectedAgent, capability: CapabilityDescription, csrfToken: string): SafeHtml {
  const label = agentLabel(agent.name, agent.id);
  return html`<p>Revoke <code>${capability.name}</code> from <strong>${label}</strong> (host ${hostLabel(agent.hostName, agent.hostId)})?</p>
<p>${capability.summary}: <span class="meta">${capabilityFacts(capability)}</span></p>
<p>The agent's next call to this operation is refused; its other capabilities stay. To get it back, the agent must ask again and you must approve it.</p>
<form method="post" action="${REVOKE_CAPABILITY_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="agent_id" value="${agent.id}">
  <input type="hidden" name="capability" value="${capability.name}">
  <input type="hidden" name="confirm" value="yes">
  <button type="submit">Yes, revoke ${capability.name}</button>
  <a href="${CONNECTED_AGENTS_PATH}">Cancel, keep it</a>
</form>`;
}
