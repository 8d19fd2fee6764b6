import type { Request } from "express";
import type { Kysely } from "kysely";
import { autoGrantedCapabilities } from "../../../generated/capabilities.js";
import { type CapabilityDescription, describeCapability } from "../../agents/discovery/capability-description.js";
import { agentMembership, pinnedOrganization } from "../../agents/principal/store-of-agent.js";
import { parseJsonColumn } from "../../db/json-column.js";
import type { Database } from "../../db/schema.js";
import { noticeText, readNotice } from "../page-notice.js";
import type { PageUser } from "../page-session.js";

/** Statuses whose agents can no longer act or be revoked (shown apart). */
const ENDED = new Set(["revoked", "rejected"]);

export interface AgentStore {
  /** The store's name, or null when none is chosen (several stores, no pin) or the user left the pinned store. */
  readonly name: string | null;
  /** How the store was decided, for the reader. */
  readonly how: "pinned" | "only store" | "none chosen" | "membership ended";
  /** The store's id when it has a name (the store the agent's calls and limits are in). */
  readonly organizationId: string | null;
}

export interface ConnectedAgent {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly ended: boolean;
  readonly hostName: string | null;
  readonly hostId: string | null;
  readonly store: AgentStore;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  /** Active, unexpired grants, one row per capability (revoking a capability flips all its grants). */
  readonly grants: readonly CapabilityDescription[];
  /** Capabilities still waiting for a decision. */
  readonly pending: readonly string[];
  /** Capabilities a merchant denied (or a closed request took back) that the agent does not hold now. */
  readonly denied: readonly CapabilityDescription[];
}

export interface ConnectedHost {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly agentCount: number;
  /**
   * What its new agents get without asking the merchant: the host's stored
   * defaults, as far as they are auto-granted capabilities of the contract
   * (host-guard.ts keeps them so; anything else would not be granted on the spot).
   */
  readonly defaults: readonly CapabilityDescription[];
}

/** At most this many agents are listed (newest first); a merchant with more is an outlier worth a real search page. */
const LIMIT = 200;

/**
 * The user's agents as the plugin's ownership rule sees them (the agent's
 * user, or the user its host is linked to: whoever may revoke it), with
 * their hosts, stores and grants.
 */
export async function connectedAgents(
  db: Kysely<Database>,
  user: PageUser,
  onlyAgentId?: string,
): Promise<{ agents: ConnectedAgent[]; hosts: ConnectedHost[] }> {
  let query = db
    .selectFrom("agent")
    .leftJoin("agentHost", "agentHost.id", "agent.hostId")
    .select([
      "agent.id",
      "agent.name",
      "agent.status",
      "agent.metadata",
      "agent.createdAt",
      "agent.lastUsedAt",
      "agent.hostId",
      "agentHost.name as hostName",
    ])
    .where((eb) => eb.or([eb("agent.userId", "=", user.id), eb("agentHost.userId", "=", user.id)]))
    .orderBy("agent.createdAt", "desc")
    .limit(LIMIT);
  if (onlyAgentId !== undefined) query = query.where("agent.id", "=", onlyAgentId);
  const rows = await query.execute();
  const grants = rows.length
    ? await db
        .selectFrom("agentCapabilityGrant")
        .select(["agentId", "capability", "status", "expiresAt"])
        .where(
          "agentId",
          "in",
          rows.map((row) => row.id),
        )
        .where("status", "in", ["active", "pending", "denied"])
        .orderBy("createdAt")
        .execute()
    : [];
  const now = Date.now();
  const agents = rows.map((row): ConnectedAgent => {
    const own = grants.filter((grant) => grant.agentId === row.id);
    const active = own.filter((grant) => grant.status === "active" && (!grant.expiresAt || new Date(grant.expiresAt).getTime() > now));
    const pending = unique(own.filter((grant) => grant.status === "pending").map((grant) => grant.capability));
    const held = new Set([...active.map((grant) => grant.capability), ...pending]);
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      ended: ENDED.has(row.status),
      hostName: row.hostName,
      hostId: row.hostId,
      store: storeOf(user, parseJsonColumn(row.metadata)),
      createdAt: new Date(row.createdAt),
      lastUsedAt: row.lastUsedAt ? new Date(row.lastUsedAt) : null,
      grants: unique(active.map((grant) => grant.capability)).map(describeCapability),
      pending,
      denied: unique(own.filter((grant) => grant.status === "denied" && !held.has(grant.capability)).map((grant) => grant.capability)).map(
        describeCapability,
      ),
    };
  });
  const hostRows = await db
    .selectFrom("agentHost")
    .select(["id", "name", "status", "createdAt", "lastUsedAt", "defaultCapabilities"])
    .where("userId", "=", user.id)
    .orderBy("createdAt", "desc")
    .limit(LIMIT)
    .execute();
  const hosts = hostRows.map((host) => ({
    id: host.id,
    name: host.name,
    status: host.status,
    createdAt: new Date(host.createdAt),
    lastUsedAt: host.lastUsedAt ? new Date(host.lastUsedAt) : null,
    agentCount: rows.filter((row) => row.hostId === host.id).length,
    defaults: hostDefaults(host.defaultCapabilities).map(describeCapability),
  }));
  return { agents, hosts };
}

/** The name of one of the user's agents (same ownership rule), or null: notices never name someone else's agent. */
export async function ownAgentName(db: Kysely<Database>, userId: string, agentId: string): Promise<string | null> {
  const row = await db
    .selectFrom("agent")
    .leftJoin("agentHost", "agentHost.id", "agent.hostId")
    .select("agent.name")
    .where("agent.id", "=", agentId)
    .where((eb) => eb.or([eb("agent.userId", "=", userId), eb("agentHost.userId", "=", userId)]))
    .executeTakeFirst();
  return row?.name ?? null;
}

/** The status line for a page reached through a notice redirect (see page-notice.ts), naming only the viewer's own agents. */
export async function noticeMessage(req: Request, db: Kysely<Database>, userId: string): Promise<{ text: string; kind: "ok" } | undefined> {
  const notice = readNotice(req);
  if (!notice) return undefined;
  return { text: noticeText(notice, notice.agentId ? await ownAgentName(db, userId, notice.agentId) : null), kind: "ok" };
}

/** The store the agent's calls resolve to, by the same rule as the agent principal (pin, else the only membership). */
function storeOf(user: PageUser, metadata: unknown): AgentStore {
  const pinned = pinnedOrganization(metadata);
  const store = agentMembership(user.stores, pinned);
  if (store) return { name: store.name, how: pinned ? "pinned" : "only store", organizationId: store.organizationId };
  return { name: null, how: pinned ? "membership ended" : "none chosen", organizationId: null };
}

const AUTO_GRANTED: ReadonlySet<string> = new Set(autoGrantedCapabilities);

/** The host's default capabilities (JSON text, or an array from some drivers) that are granted without approval. */
function hostDefaults(column: unknown): string[] {
  const parsed = parseJsonColumn(column);
  const names = Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === "string") : [];
  return unique(names.filter((name) => AUTO_GRANTED.has(name)));
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
