import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { autoGrantedCapabilities } from "../../../generated/capabilities.js";
import type { Database } from "../../db/schema.js";
import { merchantGrantExpiry } from "../limits/grant-expiry.js";
import type { AgentState } from "../principal/agent-state.js";

const AUTO_GRANTED: ReadonlySet<string> = new Set(autoGrantedCapabilities);

/**
 * Whether `capability/execute` may grant `capability` on the spot from the
 * agent's host defaults, as the plugin does (0.6.2 `tryAutoGrantFromHostBudget`):
 * the host is active, names the capability among its defaults, and the agent
 * never had a grant of it (see AgentState.closedCapabilities). Stricter than the plugin, and
 * deliberately: only the contract's auto-granted capabilities (host-guard.ts
 * keeps defaults to those, but a host written before that guard could hold
 * more), exact names (no wildcards), and never outside the token's
 * `capabilities` claim when it has one.
 */
export function mayGrantFromHostDefaults(state: AgentState, capability: string, claimed: ReadonlySet<string> | undefined): boolean {
  return (
    state.status === "active" &&
    state.hostStatus === "active" &&
    AUTO_GRANTED.has(capability) &&
    state.hostDefaults.includes(capability) &&
    !state.closedCapabilities.has(capability) &&
    (!claimed || claimed.has(capability))
  );
}

/**
 * Writes the grant the plugin would write (no constraints), ending at the
 * grant expiry the merchant set, if any. Once that expiry has passed nothing
 * is granted (false): "grants stop counting after it" holds for defaults too.
 */
export async function grantFromHostDefaults(
  db: Kysely<Database>,
  state: AgentState,
  capability: string,
): Promise<{ expiresAt: Date | null } | false> {
  const expiresAt = await merchantGrantExpiry(db, state.agentId);
  if (expiresAt && expiresAt.getTime() <= Date.now()) return false;
  const now = new Date();
  await db
    .insertInto("agentCapabilityGrant")
    .values({
      id: randomUUID(),
      agentId: state.agentId,
      capability,
      status: "active",
      constraints: null,
      expiresAt,
      reason: "auto_granted_from_host_budget",
      grantedBy: state.hostUserId,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  return { expiresAt };
}
