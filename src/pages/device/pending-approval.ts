import type { Kysely } from "kysely";
import { userCodeHash } from "../../agents/approvals/user-code.js";
import { type CapabilityDescription, describeCapability } from "../../agents/discovery/capability-description.js";
import { pinnedOrganizationOfRow } from "../../agents/plugin/guards/store-access.js";
import type { Database } from "../../db/schema.js";

/** A capability an agent asks for, as the approval pages show it. */
export type RequestedCapability = CapabilityDescription;

export interface PendingApproval {
  readonly agentId: string;
  readonly agentName: string;
  readonly hostName: string | null;
  readonly hostId: string | null;
  /** Whether the agent itself still waits for a first approval (new host) or asks for more. */
  readonly agentStatus: string;
  readonly bindingMessage: string | null;
  /** Why the agent says it asks (the `reason` of its registration or capability request), each once; the plugin's own fillers left out. */
  readonly reasons: readonly string[];
  readonly requested: readonly RequestedCapability[];
  /** The store the agent is already pinned to, if any. */
  readonly pinnedOrganizationId: string | null;
}

/**
 * The agent's pending device-authorization request, with what it asks for:
 * each pending grant described from the contract. Null when the agent has
 * no live device request (approved, denied, expired or unknown).
 */
export async function findPendingApproval(db: Kysely<Database>, agentId: string): Promise<PendingApproval | null> {
  const request = await db
    .selectFrom("approvalRequest")
    .select(["bindingMessage"])
    .where("agentId", "=", agentId)
    .where("status", "=", "pending")
    .where("method", "=", "device_authorization")
    .where("expiresAt", ">", new Date())
    .executeTakeFirst();
  if (!request) return null;
  const agent = await db
    .selectFrom("agent")
    .leftJoin("agentHost", "agentHost.id", "agent.hostId")
    .select(["agent.id", "agent.name", "agent.status", "agent.metadata", "agent.hostId", "agentHost.name as hostName"])
    .where("agent.id", "=", agentId)
    .executeTakeFirst();
  if (!agent) return null;
  const grants = await db
    .selectFrom("agentCapabilityGrant")
    .select(["capability", "reason"])
    .where("agentId", "=", agentId)
    .where("status", "=", "pending")
    .orderBy("createdAt")
    .execute();
  return {
    agentId: agent.id,
    agentName: agent.name,
    hostName: agent.hostName,
    hostId: agent.hostId,
    agentStatus: agent.status,
    bindingMessage: request.bindingMessage,
    reasons: agentReasons(grants),
    requested: [...new Set(grants.map((grant) => grant.capability))].map(describeCapability),
    pinnedOrganizationId: pinnedOrganizationOfRow(agent),
  };
}

/**
 * The agent a user code belongs to, for a browser that has only the code
 * (the plain `verification_uri`). Codes are stored as the SHA-256 (base64url)
 * of their `XXXX-XXXX` form; the plugin checks the code again at approval.
 */
export async function agentForUserCode(db: Kysely<Database>, code: string): Promise<string | null> {
  const hash = userCodeHash(code);
  const request = await db
    .selectFrom("approvalRequest")
    .select("agentId")
    .where("userCodeHash", "=", hash)
    .where("status", "=", "pending")
    .where("expiresAt", ">", new Date())
    .executeTakeFirst();
  return request?.agentId ?? null;
}

/**
 * Texts the agent-auth plugin (0.6.2) writes as a grant's reason when the
 * agent gave none, and our own for host defaults: not the agent's words.
 */
const PLUGIN_REASONS: ReadonlySet<string> = new Set([
  "Capability not pre-authorized by host",
  "Approval requested by agent",
  "auto_granted_from_host_budget",
]);

/** The distinct reasons the agent gave on its pending grants (the plugin stores the request's `reason` on each). */
export function agentReasons(grants: readonly { readonly reason: string | null }[]): string[] {
  return [...new Set(grants.map((grant) => grant.reason?.trim() ?? "").filter((reason) => reason && !PLUGIN_REASONS.has(reason)))];
}
