import type { Kysely } from "kysely";
import { type CapabilityDescription, describeCapability } from "../../agents/discovery/capability-description.js";
import { pinnedOrganization } from "../../agents/principal/store-of-agent.js";
import { parseJsonColumn } from "../../db/json-column.js";
import type { Database } from "../../db/schema.js";
import { agentReasons } from "../device/pending-approval.js";

export interface CibaRequest {
  readonly approvalId: string;
  readonly agentId: string;
  readonly agentName: string;
  readonly hostName: string | null;
  readonly bindingMessage: string | null;
  /** Why the agent says it asks (its request's `reason`), each once. */
  readonly reasons: readonly string[];
  readonly expiresAt: Date;
  /** The store the agent is already pinned to, if any. */
  readonly pinnedOrganizationId: string | null;
  /** The agent's pending grants: what approving decides (the plugin approves or denies all of them). */
  readonly requested: readonly CapabilityDescription[];
}

/**
 * Live CIBA requests addressed to the user: pending, unexpired, for an agent
 * that still exists, is not revoked or rejected, and still waits for
 * something (the plugin refuses approving an agent with nothing pending).
 * With `approvalId`, just that one (null-safe lookup for the POST).
 */
export async function pendingCibaRequests(db: Kysely<Database>, userId: string, approvalId?: string): Promise<CibaRequest[]> {
  let query = db
    .selectFrom("approvalRequest")
    .innerJoin("agent", "agent.id", "approvalRequest.agentId")
    .leftJoin("agentHost", "agentHost.id", "agent.hostId")
    .select([
      "approvalRequest.id as approvalId",
      "approvalRequest.bindingMessage",
      "approvalRequest.expiresAt",
      "agent.id as agentId",
      "agent.name as agentName",
      "agent.status as agentStatus",
      "agent.metadata",
      "agentHost.name as hostName",
    ])
    .where("approvalRequest.method", "=", "ciba")
    .where("approvalRequest.status", "=", "pending")
    .where("approvalRequest.userId", "=", userId)
    .where("approvalRequest.expiresAt", ">", new Date())
    .where("agent.status", "not in", ["revoked", "rejected"])
    .orderBy("approvalRequest.createdAt", "desc")
    .limit(100);
  if (approvalId !== undefined) query = query.where("approvalRequest.id", "=", approvalId);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const grants = await db
    .selectFrom("agentCapabilityGrant")
    .select(["agentId", "capability", "reason"])
    .where(
      "agentId",
      "in",
      rows.map((row) => row.agentId),
    )
    .where("status", "=", "pending")
    .orderBy("createdAt")
    .execute();
  const requests: CibaRequest[] = [];
  for (const row of rows) {
    const own = grants.filter((grant) => grant.agentId === row.agentId);
    const requested = [...new Set(own.map((grant) => grant.capability))].map(describeCapability);
    // An active agent with nothing pending has been decided already (e.g. on the device page).
    if (requested.length === 0 && row.agentStatus !== "pending") continue;
    requests.push({
      approvalId: row.approvalId,
      agentId: row.agentId,
      agentName: row.agentName,
      hostName: row.hostName,
      bindingMessage: row.bindingMessage,
      reasons: agentReasons(own),
      expiresAt: new Date(row.expiresAt),
      pinnedOrganizationId: pinnedOrganization(parseJsonColumn(row.metadata)),
      requested,
    });
  }
  return requests;
}
