import type { Kysely } from "kysely";
import { parseJsonColumn } from "../../db/json-column.js";
import type { Database } from "../../db/schema.js";

/** What a request needs to know about an agent, read in two statements (run in parallel). */
export interface AgentState {
  readonly agentId: string;
  readonly status: string;
  readonly userId: string | null;
  readonly hostId: string | null;
  readonly hostStatus: string | null;
  /** The host's own user (the plugin records it as the grantor of host-default grants). */
  readonly hostUserId: string | null;
  /** The host's default capabilities, as stored (see host-default-grant.ts). */
  readonly hostDefaults: readonly string[];
  /** JSON Web Key the agent signs with (Ed25519), as registered. */
  readonly publicJwk: Record<string, unknown> | null;
  readonly metadata: unknown;
  /** Sliding session deadline (the plugin's agentSessionTTL); null: none. */
  readonly expiresAt: Date | null;
  readonly activatedAt: Date | null;
  readonly createdAt: Date;
  /** Active grants (an expired one is filtered per request). */
  readonly grants: readonly {
    readonly capability: string;
    readonly status: string;
    readonly expiresAt: Date | null;
    readonly constraints: string | null;
  }[];
  /**
   * Capabilities the agent holds or ever held a grant of (active, expired,
   * revoked, denied, pending): a host default is granted on the spot only the
   * first time, so neither a revocation nor an expiry the merchant set is
   * undone by calling again. (The plugin's own rule spares expired grants.)
   */
  readonly closedCapabilities: ReadonlySet<string>;
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
        "agentHost.defaultCapabilities as hostDefaults",
      ])
      .where("agent.id", "=", agentId)
      .executeTakeFirst(),
    db
      .selectFrom("agentCapabilityGrant")
      .select(["capability", "status", "expiresAt", "constraints"])
      .where("agentId", "=", agentId)
      .execute(),
  ]);
  if (!agent) return null;
  const publicJwk = parseJsonColumn(agent.publicKey);
  return {
    agentId: agent.id,
    status: agent.status,
    userId: agent.userId ?? agent.hostUserId ?? null,
    hostId: agent.hostId,
    hostStatus: agent.hostStatus,
    hostUserId: agent.hostUserId ?? null,
    hostDefaults: capabilityList(agent.hostDefaults),
    publicJwk: publicJwk && typeof publicJwk === "object" ? (publicJwk as Record<string, unknown>) : null,
    metadata: parseJsonColumn(agent.metadata),
    expiresAt: agent.expiresAt,
    activatedAt: agent.activatedAt,
    createdAt: agent.createdAt,
    grants: grants.filter((grant) => grant.status === "active"),
    closedCapabilities: new Set(grants.map((grant) => grant.capability)),
  };
}

/** A stored capability list (JSON text, possibly encoded twice, as the plugin tolerates); [] when unreadable. */
function capabilityList(value: unknown): string[] {
  let parsed = parseJsonColumn(value);
  if (typeof parsed === "string") parsed = parseJsonColumn(parsed);
  return Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === "string") : [];
}
