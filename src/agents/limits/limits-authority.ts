import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { managesStore, membershipsOf, pinnedOrganizationOfRow } from "../plugin/guards/store-access.js";
import { agentMembership } from "../principal/store-of-agent.js";

export type LimitsAuthority =
  | { readonly allowed: true; readonly organizationId: string }
  | { readonly allowed: false; readonly status: 403 | 404; readonly reason: string };

const ENDED = new Set(["revoked", "rejected"]);

/**
 * Who may set an agent's limits outside an approval (the /agents page): a
 * member of the agent's store who is the agent's own user (or its host's),
 * or an owner/admin of that store. The store is the one its calls resolve
 * to (the pin, else its user's only store): limits anywhere else would
 * limit nothing. Another store's member learns only "not found", as for
 * revocation. (On the approval pages the approval's own proof decides:
 * the user code or being the CIBA addressee, see the page routes.)
 */
export async function authorityOverAgentLimits(db: Kysely<Database>, userId: string, agentId: string): Promise<LimitsAuthority> {
  const agent = await db
    .selectFrom("agent")
    .leftJoin("agentHost", "agentHost.id", "agent.hostId")
    .select(["agent.userId", "agent.status", "agent.metadata", "agentHost.userId as hostUserId"])
    .where("agent.id", "=", agentId)
    .executeTakeFirst();
  const notFound = { allowed: false, status: 404, reason: "No such agent of yours or of your stores." } as const;
  if (!agent) return notFound;
  const agentUser = agent.userId ?? agent.hostUserId;
  const pinned = pinnedOrganizationOfRow(agent);
  const store = pinned ?? (agentUser ? agentMembership(await membershipsOf(db, agentUser), null)?.organizationId : undefined);
  if (!store) return { allowed: false, status: 403, reason: "This agent acts for no store yet: approve it for one first." };
  const membership = (await membershipsOf(db, userId)).find((item) => item.organizationId === store);
  if (!membership) return notFound;
  if (agentUser !== userId && !managesStore(membership)) {
    return { allowed: false, status: 403, reason: "Only the agent's own user or an owner/admin of its store can set its limits." };
  }
  if (ENDED.has(agent.status))
    return { allowed: false, status: 403, reason: `This agent is ${agent.status}: it has nothing left to limit.` };
  return { allowed: true, organizationId: store };
}
