import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { parseJsonColumn } from "../db/json-column.js";

/** What a request needs to know about an agent, read in two statements. */
export interface AgentState {
  readonly agentId: string;
  readonly status: string;
  readonly userId: string | null;
  readonly hostId: string | null;
  readonly hostStatus: string | null;
  /** JSON Web Key the agent signs with (Ed25519), as registered. */
  readonly publicJwk: Record<string, unknown> | null;
  readonly metadata: unknown;
  /** Sliding session deadline (the plugin's agentSessionTTL); null: none. */
  readonly expiresAt: Date | null;
  readonly activatedAt: Date | null;
  readonly createdAt: Date;
  readonly grants: readonly { readonly capability: string; readonly status: string; readonly expiresAt: Date | null; readonly constraints: string | null }[];
}

export async function loadAgentState(db: Kysely<Database>, agentId: string): Promise<AgentState | null> {
  const [agent, grants] = await Promise.all([
    db
      .selectFrom("agent")
      .leftJoin("agentHost", "agentHost.id", "agent.hostId")
      .select([
        "agent.id",
        "agent.status",
        "agent.userId",
        "agent.hostId",
        "agent.publicKey",
        "agent.metadata",
        "agent.expiresAt",
        "agent.activatedAt",
        "agent.createdAt",
        "agentHost.status as hostStatus",
        "agentHost.userId as hostUserId",
      ])
      .where("agent.id", "=", agentId)
      .executeTakeFirst(),
    db.selectFrom("agentCapabilityGrant").select(["capability", "status", "expiresAt", "constraints"]).where("agentId", "=", agentId).where("status", "=", "active").execute(),
  ]);
  if (!agent) return null;
  const publicJwk = parseJsonColumn(agent.publicKey);
  return {
    agentId: agent.id,
    status: agent.status,
    userId: agent.userId ?? agent.hostUserId ?? null,
    hostId: agent.hostId,
    hostStatus: agent.hostStatus,
    publicJwk: publicJwk && typeof publicJwk === "object" ? (publicJwk as Record<string, unknown>) : null,
    metadata: parseJsonColumn(agent.metadata),
    expiresAt: agent.expiresAt,
    activatedAt: agent.activatedAt,
    createdAt: agent.createdAt,
    grants,
  };
}
