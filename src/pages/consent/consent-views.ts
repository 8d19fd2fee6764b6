import { type CapabilityName, capabilityNames } from "../../../generated/capabilities.js";
import { describeCapability } from "../../agents/discovery/capability-description.js";
import { OAUTH_CONSENT_PATH } from "../../config/page-paths.js";
import { capabilityChoice, storeChoice } from "../capability-views.js";
import { html, type SafeHtml } from "../html.js";
import { alertBox } from "../layout.js";
import { type LimitsView, limitsFieldset } from "../limits-views.js";
import type { PageUser } from "../page-session.js";

/** The client as the consent page names it: its registered name and home page (self-asserted, so shown as such). */
export interface ConsentClient {
  readonly clientId: string;
  readonly name: string;
  readonly uri: string | null;
  /** Where the browser goes back to: the host the code is handed to. */
  readonly redirectHost: string;
  /** The redirect URI of this request (registered: the plugin checked it before sending the browser here). */
  readonly redirectUri: string;
}

/** The tools an MCP client may be granted: every operation but those approved only with a passkey (no ceremony on this page yet). */
export function offeredTools(): CapabilityName[] {
  return capabilityNames.filter((name) => !describeCapability(name).needsPasskey);
}

export interface ConsentForm {
  readonly client: ConsentClient;
  readonly user: PageUser;
  readonly csrfToken: string;
  /** The signed authorization request, carried to the POST as is. */
  readonly oauthQuery: string;
  readonly limits: LimitsView;
  /** The merchant's choices when the form comes back (a refusal); default: the read-only tools. */
  readonly chosen?: ReadonlySet<string>;
  readonly chosenStore?: string;
  readonly entered?: Readonly<Record<string, string>>;
  readonly message?: string;
}

/**
 * The approval of an MCP client: who asks, for which store, each tool as a
 * capability (what it does, its scope, whether it changes data; admin tools
 * only selectable by an owner/admin), and the spending limits its orders
 * must keep. Read-only tools start checked, tools that change data do not.
 */
export function consentPage(form: ConsentForm): SafeHtml {
  const { client, user } = form;
  const manages = user.stores.some((store) => store.manages);
  const tools = offeredTools().map(describeCapability);
  const withheld = capabilityNames.filter((name) => describeCapability(name).needsPasskey);
  const checked = (name: string, changesData: boolean) => (form.chosen ? form.chosen.has(name) : !changesData);
  return html`${alertBox(form.message)}
<p><strong>${client.name}</strong> wants to use one of your stores through the Model Context Protocol (MCP), acting for you.</p>
<p class="meta">Client id <code>${client.clientId}</code>${client.uri ? html` · says it is from <code>${client.uri}</code>` : ""} · after your decision your browser returns to <code>${client.redirectHost}</code>. Only approve a client you started yourself.</p>
<form method="post" action="${OAUTH_CONSENT_PATH}">
  <input type="hidden" name="csrf" value="${form.csrfToken}">
  <input type="hidden" name="oauth_query" value="${form.oauthQuery}">
  ${storeChoice(user, "", undefined, form.chosenStore)}
  <fieldset>
    <legend id="tools-legend">Tools it may use</legend>
    <p class="meta">Each tool is one operation of the API. Calls run as you, in the store you choose, within the limits below; you can revoke the client on the Connected agents page at any time.</p>
    ${tools.map((tool) => capabilityChoice(tool, { manages, hasPasskey: false }, "tool-", checked(tool.name, tool.changesData)))}
    ${withheld.length > 0 ? html`<p class="meta">Not offered to MCP clients (they need your passkey): ${withheld.map((name, index) => html`${index > 0 ? ", " : ""}<code>${name}</code>`)}.</p>` : ""}
  </fieldset>
  ${limitsFieldset(form.limits, "", form.entered)}
  <button type="submit" name="decision" value="approve">Approve</button>
  <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`;
}
