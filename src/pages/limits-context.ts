import type { Kysely } from "kysely";
import { parseLimitsForm } from "../agents/limits/limits-form.js";
import { requestedLimitsOf } from "../agents/limits/requested-limits.js";
import { setAgentLimits } from "../agents/limits/set-agent-limits.js";
import { agentMembership } from "../agents/principal/store-of-agent.js";
import type { Database } from "../db/schema.js";
import { tenantOf } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { type AgentLimits, readAgentLimits } from "../services/agent-limits/agent-limits.js";
import { storeCurrencies } from "../services/agent-limits/store-currencies.js";
import type { LimitsView } from "./limits-views.js";
import type { PageUser } from "./page-session.js";

/** What the limits fieldset of an agent shows; `organizationId`: its store, when known (else no current limits, any currency). */
export async function limitsView(db: Kysely<Database>, agentId: string, organizationId: string | null): Promise<LimitsView> {
  const scope = organizationId ? new TenantScope(db, tenantOf(organizationId)) : null;
  const [current, requested, currencies] = await Promise.all([
    scope ? readAgentLimits(scope, agentId) : null,
    requestedLimitsOf(db, agentId),
    scope ? storeCurrencies(scope) : [],
  ]);
  return { current, requested, storeCurrencies: currencies };
}

/** The limits a form sets, validated for the agent's store: errors to show, nothing to change, or the limits. */
export async function limitsFromForm(
  db: Kysely<Database>,
  form: Readonly<Record<string, unknown>>,
  target: { readonly agentId: string; readonly organizationId: string },
): Promise<{ readonly errors: readonly string[] } | { readonly limits: AgentLimits | null }> {
  const view = await limitsView(db, target.agentId, target.organizationId);
  const input = parseLimitsForm(form, { requested: view.requested, storeCurrencies: view.storeCurrencies, now: new Date() });
  if (input.kind === "invalid") return { errors: input.errors };
  return { limits: input.kind === "valid" ? input.limits : null };
}

/**
 * For the approval pages: the limits of the form, written before the
 * approval (the plugin reads their expiry for the grants it activates),
 * with an undo for an approval that then fails. Null limits (a form
 * without the fieldset) change nothing.
 */
export async function writeApprovalLimits(
  db: Kysely<Database>,
  changed: { emit(): void },
  limits: AgentLimits | null,
  target: { readonly agentId: string; readonly organizationId: string; readonly userId: string },
): Promise<() => Promise<void>> {
  if (!limits) return async () => {};
  return setAgentLimits(db, changed, { ...target, limits });
}

/** The store an approval will be for when the form offers no choice: the agent's pin among the user's stores, or the user's only store. */
export function storeWithoutChoice(user: PageUser, pinned: string | null): string | null {
  return agentMembership(user.stores, pinned)?.organizationId ?? null;
}
