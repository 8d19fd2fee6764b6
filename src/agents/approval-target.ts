import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

/** The fields of an `approve-capability` body that say what is being decided. */
export interface ApproveBody {
  readonly agent_id?: unknown;
  readonly approval_id?: unknown;
  readonly capabilities?: unknown;
}

export interface ApprovalTarget {
  readonly agentId: string;
  /** What an approval with this body grants: the listed capabilities, else (the plugin's rule) every pending one. */
  readonly approving: readonly string[];
}

/**
 * The agent and capabilities an `approve-capability` call decides, read the
 * way the plugin reads them: `agent_id` when given, else the agent of
 * `approval_id`. Null when the body names no agent we know.
 */
export async function approvalTarget(db: Kysely<Database>, body: ApproveBody): Promise<ApprovalTarget | null> {
  let agentId = typeof body.agent_id === "string" ? body.agent_id : undefined;
  if (!agentId && typeof body.approval_id === "string") {
    const request = await db.selectFrom("approvalRequest").select("agentId").where("id", "=", body.approval_id).executeTakeFirst();
    agentId = request?.agentId ?? undefined;
  }
  if (!agentId) return null;
  if (Array.isArray(body.capabilities)) {
    return { agentId, approving: body.capabilities.filter((item): item is string => typeof item === "string") };
  }
  const grants = await db.selectFrom("agentCapabilityGrant").select("capability").where("agentId", "=", agentId).where("status", "=", "pending").execute();
  return { agentId, approving: [...new Set(grants.map((grant) => grant.capability))] };
}
