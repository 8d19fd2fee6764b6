import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { capabilityNamesOf } from "../plugin/guards/store-access.js";

/** The fields of an `approve-capability` body that say what is being decided. */
export interface ApproveBody {
  readonly agent_id?: unknown;
  readonly approval_id?: unknown;
  readonly user_code?: unknown;
  readonly action?: unknown;
  readonly capabilities?: unknown;
}

export interface ApprovalRequestRow {
  readonly agentId: string | null;
  readonly method: string;
  readonly userId: string | null;
  readonly status: string;
  readonly capabilities: string | null;
  readonly expiresAt: Date;
}

export interface ApprovalTarget {
  readonly agentId: string;
  /** What an approval with this body grants: the listed capabilities, else what the request showed. */
  readonly approving: readonly string[];
}

/** The approval request named by `approval_id`, if any. */
export async function approvalRequestOf(db: Kysely<Database>, body: ApproveBody): Promise<ApprovalRequestRow | undefined> {
  if (typeof body.approval_id !== "string") return undefined;
  return db
    .selectFrom("approvalRequest")
    .select(["agentId", "method", "userId", "status", "capabilities", "expiresAt"])
    .where("id", "=", body.approval_id)
    .executeTakeFirst();
}

/** What the approval shows: a request's listed capabilities (those still pending), else all the agent's pending grants. */
export async function capabilitiesShown(db: Kysely<Database>, agentId: string, request: ApprovalRequestRow | undefined): Promise<string[]> {
  const grants = await db
    .selectFrom("agentCapabilityGrant")
    .select("capability")
    .where("agentId", "=", agentId)
    .where("status", "=", "pending")
    .execute();
  const pending = [...new Set(grants.map((grant) => grant.capability))];
  const listed = request?.capabilities?.split(/\s+/).filter(Boolean);
  return listed && listed.length > 0 ? pending.filter((name) => listed.includes(name)) : pending;
}

/**
 * The agent and capabilities an `approve-capability` call decides, by the
 * approval policy's rules (approval-policy.ts, which refuses an `agent_id`
 * that disagrees with `approval_id` and, without an explicit subset, approves
 * only what the request showed). Null when the body names no agent.
 */
export async function approvalTarget(db: Kysely<Database>, body: ApproveBody): Promise<ApprovalTarget | null> {
  const request = await approvalRequestOf(db, body);
  const agentId = request?.agentId ?? (typeof body.agent_id === "string" ? body.agent_id : undefined);
  if (!agentId) return null;
  return { agentId, approving: capabilityNamesOf(body.capabilities) ?? (await capabilitiesShown(db, agentId, request)) };
}
