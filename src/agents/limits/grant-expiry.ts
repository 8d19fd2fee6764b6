import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { tenantOf } from "../../db/tenant.js";
import { TenantScope } from "../../db/tenant-scope.js";
import { readAgentLimits } from "../../services/agent-limits/agent-limits.js";
import { pinnedOrganizationOfRow } from "../plugin/guards/store-access.js";

/**
 * A merchant's grant expiry lives where both verifiers already look: the
 * plugin's grant rows (`expiresAt`). The plugin drops expired grants from
 * every agent session, execute and capability check; our fast verifier
 * filters them per request (agent-resolver.ts `activeGrants`). So the expiry
 * is written onto every active grant when it is set, and onto grants
 * activated later through the plugin's `resolveGrantTTL` (below).
 */
export async function applyGrantExpiry(db: Kysely<Database>, agentId: string, expiresAt: Date | null): Promise<void> {
  await db
    .updateTable("agentCapabilityGrant")
    .set({ expiresAt, updatedAt: new Date() })
    .where("agentId", "=", agentId)
    .where("status", "=", "active")
    .execute();
}

/**
 * The plugin's `resolveGrantTTL`: a grant activated for an agent whose
 * merchant set an expiry (approval of a later request, a direct grant, a
 * host default) ends at that expiry too. Seconds until then, rounded up so
 * the grant never outlives it by more than a second; null without an expiry
 * (an expiry already past is a decision the merchant has to renew: a new
 * approval on our pages sets the limits again).
 */
export function grantTtlFromLimits(db: Kysely<Database>) {
  return async ({ agentId }: { agentId: string }): Promise<number | null> => {
    const expiry = await merchantGrantExpiry(db, agentId);
    const left = expiry ? expiry.getTime() - Date.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : null;
  };
}

/** The grant expiry the merchant set for the agent (past or future), or null when none. */
export async function merchantGrantExpiry(db: Kysely<Database>, agentId: string): Promise<Date | null> {
  const agent = await db.selectFrom("agent").select("metadata").where("id", "=", agentId).executeTakeFirst();
  const store = pinnedOrganizationOfRow(agent);
  if (!store) return null;
  const limits = await readAgentLimits(new TenantScope(db, tenantOf(store)), agentId);
  return limits?.grantsExpireAt ?? null;
}
