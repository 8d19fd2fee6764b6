import type { CapabilityDescription } from "../../agents/discovery/capability-description.js";
import { APPROVALS_INBOX_PATH, PASSKEYS_PAGE_PATH } from "../../config/page-paths.js";
import { capabilityFacts } from "../capability-views.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import { type LimitsView, limitsFieldset, limitsSummary } from "../limits-views.js";
import type { PageUser } from "../page-session.js";
import { timeTag } from "../time-view.js";
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
  ${ended.map((agent) => html`<li>${agent.name} · ${agent.status} · host ${agent.hostName ?? "unnamed host"} · connected ${timeTag(agent.createdAt)}</li>`)}
</ul></details>`
    : ""
}
<h2>Hosts</h2>
${
  hosts.length === 0
    ? html`<p>No host is linked to you yet: a host is linked when you approve its first agent.</p>`
    : html`<p class="meta">A host is the program or machine agents run on. Its new agents get read-only capabilities at once; anything that changes data still asks you.</p>
<ul>${hosts.map(hostItem)}</ul>`
}`;
}

function agentSection(agent: ConnectedAgent, limits: LimitsView | undefined, csrfToken: string): SafeHtml {
  const titleId = `agent-${agent.id}`;
  return html`<section aria-labelledby="${titleId}">
<h2 id="${titleId}">${agent.name}</h2>
<dl>
  <dt>Status</dt><dd>${agent.status}</dd>
  <dt>Host</dt><dd>${agent.hostName ?? "unnamed host"}</dd>
  <dt>Store</dt><dd>${storeText(agent.store)}</dd>
  <dt>Connected</dt><dd>${timeTag(agent.createdAt)}</dd>
  <dt>Last used</dt><dd>${timeTag(agent.lastUsedAt)}</dd>
</dl>
${
  agent.grants.length === 0
    ? html`<p>No capability is granted.</p>`
    : html`<h3 id="${titleId}-grants">Granted capabilities</h3>
<ul aria-labelledby="${titleId}-grants" style="list-style:none;padding:0">${agent.grants.map((grant) => grantItem(agent, grant, csrfToken))}</ul>`
}
${agent.pending.length > 0 ? html`<p class="meta">Waiting for a decision: ${agent.pending.join(", ")}.</p>` : ""}
${limits ? limitsSection(agent, limits, csrfToken) : ""}
<form method="post" action="${REVOKE_AGENT_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="agent_id" value="${agent.id}">
  <button type="submit" aria-label="Revoke agent ${agent.name}">Revoke agent</button>
</form>
</section>`;
}

function grantItem(agent: ConnectedAgent, grant: CapabilityDescription, csrfToken: string): SafeHtml {
  return html`<li class="capability">
  <div style="flex:1"><strong>${grant.summary}</strong> <code>${grant.name}</code><br><span class="meta">${capabilityFacts(grant)}</span></div>
  <form method="post" action="${REVOKE_CAPABILITY_PATH}">
    <input type="hidden" name="csrf" value="${csrfToken}">
    <input type="hidden" name="agent_id" value="${agent.id}">
    <input type="hidden" name="capability" value="${grant.name}">
    <button type="submit" class="secondary" aria-label="Revoke ${grant.name} from ${agent.name}">Revoke</button>
  </form>
</li>`;
}

/** The agent's limits in plain words, and a form to change them (raising one asks for a recent sign-in). */
function limitsSection(agent: ConnectedAgent, limits: LimitsView, csrfToken: string): SafeHtml {
  const titleId = `agent-${agent.id}-limits`;
  return html`<h3 id="${titleId}">Limits</h3>
${limitsSummary(limits.current)}
<details><summary>Change the limits of ${agent.name}</summary>
<form method="post" action="${AGENT_LIMITS_PATH}" aria-labelledby="${titleId}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="agent_id" value="${agent.id}">
  ${limitsFieldset(limits, `a-${agent.id}-`)}
  <button type="submit" aria-label="Save the limits of ${agent.name}">Save limits</button>
</form>
</details>`;
}

function hostItem(host: ConnectedHost): SafeHtml {
  return html`<li><strong>${host.name ?? "unnamed host"}</strong> · ${host.status} · ${host.agentCount} ${host.agentCount === 1 ? "agent" : "agents"} ·
  first seen ${timeTag(host.createdAt)} · last used ${timeTag(host.lastUsedAt)}</li>`;
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
