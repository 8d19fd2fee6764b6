import { BUDGET_WINDOWS, LIMIT_FIELDS } from "../agents/limits/limits-form.js";
import type { RequestedLimits } from "../agents/limits/requested-limits.js";
import type { AgentLimits } from "../services/agent-limits/agent-limits.js";
import { budgetWords, windowWords } from "../services/agent-limits/limit-refusals.js";
import { formatMoney, moneyInputValue } from "../services/money.js";
import { html, type SafeHtml } from "./html.js";
import { timeTag } from "./time-view.js";

/** Limit fields as the merchant typed them (by form field name), to show them again. */
export type EnteredLimits = Readonly<Record<string, string>>;

/** What the limits fieldset shows and starts from. */
export interface LimitsView {
  /** The merchant's limits so far (null: none). */
  readonly current: AgentLimits | null;
  readonly requested: RequestedLimits;
  readonly storeCurrencies: readonly string[];
}

/**
 * The limits part of an approval or /agents form: what the agent asked for
 * in plain words, then the merchant's own limits, filled with the current
 * ones (else with what the agent asked for). `idPrefix` keeps ids unique.
 */
export function limitsFieldset({ current, requested, storeCurrencies }: LimitsView, idPrefix = "", entered?: EnteredLimits): SafeHtml {
  const id = (field: string) => `${idPrefix}${field}`;
  const currency = current?.currency ?? requested.currency ?? (storeCurrencies.length === 1 ? storeCurrencies[0]! : "");
  const maxOrder = current?.maxOrderAmount ?? (current ? null : requested.maxOrderAmount);
  const maxLine = current?.maxLineQuantity ?? (current ? null : requested.maxLineQuantity);
  const windowChoice =
    entered?.[LIMIT_FIELDS.budgetWindow] ??
    Object.entries(BUDGET_WINDOWS).find(([, seconds]) => seconds === (current?.budgetWindowSeconds ?? 86_400))?.[0] ??
    "24h";
  const amountValue = (amount: number | null | undefined) => (amount != null && currency ? moneyInputValue(amount, currency) : "");
  // What the merchant typed, when the form comes back to them (a refusal, a sign-in in between), wins over the defaults.
  const value = (field: string, fallback: string | number) => entered?.[field] ?? String(fallback);
  return html`<fieldset>
  <legend>Limits for this agent</legend>
  <input type="hidden" name="${LIMIT_FIELDS.marker}" value="1">
  ${requestedList(requested)}
  <p class="meta">Leave a field empty for no limit of your own. Limits apply to this agent only, checked on every call.</p>
  <label for="${id("limit-currency")}">Currency of the amounts</label>
  <input type="text" id="${id("limit-currency")}" name="${LIMIT_FIELDS.currency}" value="${value(LIMIT_FIELDS.currency, currency)}" maxlength="3" autocapitalize="characters" spellcheck="false"${storeCurrencies.length > 0 ? html` placeholder="${storeCurrencies.join(", ")}"` : ""}>
  <label for="${id("limit-max-order")}">Largest order total</label>
  <input type="text" id="${id("limit-max-order")}" name="${LIMIT_FIELDS.maxOrder}" value="${value(LIMIT_FIELDS.maxOrder, amountValue(maxOrder))}" inputmode="decimal" placeholder="e.g. 50.00">
  <label for="${id("limit-max-line")}">Largest quantity per cart line</label>
  <input type="text" id="${id("limit-max-line")}" name="${LIMIT_FIELDS.maxLineQuantity}" value="${value(LIMIT_FIELDS.maxLineQuantity, maxLine ?? "")}" inputmode="numeric" placeholder="e.g. 5">
  <label for="${id("limit-budget")}">Budget: orders may add up to</label>
  <input type="text" id="${id("limit-budget")}" name="${LIMIT_FIELDS.budget}" value="${value(LIMIT_FIELDS.budget, amountValue(current?.budgetAmount))}" inputmode="decimal" placeholder="e.g. 200.00">
  <label for="${id("limit-budget-window")}">Budget period</label>
  <select id="${id("limit-budget-window")}" name="${LIMIT_FIELDS.budgetWindow}">
    ${Object.keys(BUDGET_WINDOWS).map((key) => html`<option value="${key}"${key === windowChoice ? " selected" : ""}>${windowWords(BUDGET_WINDOWS[key] ?? null)}</option>`)}
  </select>
  <label for="${id("limit-expires")}">Grants expire at (UTC)</label>
  <input id="${id("limit-expires")}" name="${LIMIT_FIELDS.expiresAt}" type="datetime-local" value="${value(LIMIT_FIELDS.expiresAt, current?.grantsExpireAt ? current.grantsExpireAt.toISOString().slice(0, 16) : "")}">
</fieldset>`;
}

/** "The agent asked for: orders up to 50.00 EUR; …" (nothing when it asked for none). */
export function requestedList(requested: RequestedLimits): SafeHtml {
  if (requested.words.length === 0) return html``;
  return html`<p>The agent itself asked to be limited to:</p><ul class="requested-limits">${requested.words.map((words) => html`<li>${words}</li>`)}</ul>`;
}

/** The merchant's limits in plain words, for /agents. */
export function limitsSummary(limits: AgentLimits | null): SafeHtml {
  const words = limitWords(limits);
  if (words.length === 0) return html`<p class="meta">No limits of yours: the agent may do whatever its capabilities allow.</p>`;
  return html`<ul class="limits">${words}</ul>`;
}

function limitWords(limits: AgentLimits | null): SafeHtml[] {
  if (!limits) return [];
  const words: SafeHtml[] = [];
  if (limits.maxOrderAmount !== null && limits.currency)
    words.push(html`<li>orders up to ${formatMoney(limits.maxOrderAmount, limits.currency)}</li>`);
  if (limits.maxLineQuantity !== null) words.push(html`<li>at most ${limits.maxLineQuantity} units per cart line</li>`);
  if (limits.budgetAmount !== null && limits.currency)
    words.push(html`<li>a budget of ${budgetWords(limits.budgetAmount, limits.currency, limits.budgetWindowSeconds)}</li>`);
  if (limits.grantsExpireAt) words.push(html`<li>grants expire ${timeTag(limits.grantsExpireAt)}</li>`);
  return words;
}
