import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { tenantOf } from "../../db/tenant.js";
import { TenantScope } from "../../db/tenant-scope.js";
import { type AgentLimits, NO_LIMITS, readAgentLimits, saveAgentLimits } from "../../services/agent-limits/agent-limits.js";
import { applyGrantExpiry } from "./grant-expiry.js";

export interface LimitsChange {
  /** The agent's store (its pin): the limits row's tenant. */
  readonly organizationId: string;
  readonly agentId: string;
  readonly limits: AgentLimits;
  /** Who sets them (audit: `updated_by`). */
  readonly userId: string;
}

/**
 * Stores an agent's limits and applies their grant expiry to its active
 * grants, then tells this process's agent caches (other processes learn it
 * from the grants' NOTIFY trigger). Callers check who may do this first
 * (limits-authority.ts). Returns an undo for an approval that then fails:
 * the previous limits and expiry come back.
 *
 * @example
 * const undo = await setAgentLimits(db, authStateChanges, { organizationId, agentId, limits, userId });
 */
export async function setAgentLimits(db: Kysely<Database>, changed: { emit(): void }, change: LimitsChange): Promise<() => Promise<void>> {
  const scope = new TenantScope(db, tenantOf(change.organizationId));
  const previous = (await readAgentLimits(scope, change.agentId)) ?? NO_LIMITS;
  await write(change.limits);
  return () => write(previous);

  async function write(limits: AgentLimits): Promise<void> {
    await saveAgentLimits(scope, change.agentId, limits, change.userId);
    // Every active grant gets the expiry, or loses one the merchant removed (no other grant TTL is configured).
    await applyGrantExpiry(db, change.agentId, limits.grantsExpireAt);
    changed.emit();
  }
}
