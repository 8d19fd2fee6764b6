import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { CapabilityName } from "../../generated/capabilities.js";
import type { Database } from "../db/schema.js";

/** What a merchant approved on the consent page for one MCP client. */
export interface ApprovedConnection {
  readonly clientId: string;
  /** Shown on /agents: the client's registered name. */
  readonly clientName: string;
  readonly userId: string;
  /** The store its calls act in (the agent's pin). */
  readonly organizationId: string;
  /** The tools (operations) granted: the merchant's subset of what the page offered. */
  readonly capabilities: readonly CapabilityName[];
}

/** Marks an agent that stands for an MCP client in its metadata (beside the store pin). */
export interface McpAgentMetadata {
  readonly organizationId: string;
  readonly mcpClientId: string;
}

/**
 * Records a consent as an agent: the MCP client's connection for this user
 * is an Agent Auth agent row (delegated to the user, pinned to the store,
 * one active grant per approved tool), so limits, budgets, the /agents
 * page, revocation and the principal caches treat it like any agent. Its
 * host (the plugin requires one) has no key, and its own public key's
 * private half was never kept: no host or agent JWT can ever be signed for
 * them; only /mcp, from an OAuth token, acts as the agent.
 * A connection the same client already had for the user is revoked and
 * replaced (one per client and user). Returns the new agent's id.
 */
export async function connectMcpClient(db: Kysely<Database>, approved: ApprovedConnection): Promise<string> {
  const agentId = randomUUID();
  const hostId = randomUUID();
  const now = new Date();
  const metadata: McpAgentMetadata = { organizationId: approved.organizationId, mcpClientId: approved.clientId };
  await db.transaction().execute(async (trx) => {
    const previous = await trx
      .selectFrom("mcp_connections")
      .select("agent_id")
      .where("client_id", "=", approved.clientId)
      .where("user_id", "=", approved.userId)
      .forUpdate()
      .executeTakeFirst();
    if (previous) await revokeAgent(trx, previous.agent_id, now);
    await trx
      .insertInto("agentHost")
      .values({
        id: hostId,
        name: approved.clientName,
        userId: approved.userId,
        status: "active",
        defaultCapabilities: null,
        publicKey: null,
        lastUsedAt: null,
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    await trx
      .insertInto("agent")
      .values({
        id: agentId,
        name: approved.clientName,
        userId: approved.userId,
        hostId,
        status: "active",
        mode: "delegated",
        publicKey: JSON.stringify(unusablePublicKey()),
        metadata: JSON.stringify(metadata),
        expiresAt: null,
        activatedAt: now,
        lastUsedAt: null,
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    if (approved.capabilities.length > 0) {
      await trx
        .insertInto("agentCapabilityGrant")
        .values(
          approved.capabilities.map((capability) => ({
            id: randomUUID(),
            agentId,
            capability,
            status: "active",
            constraints: null,
            expiresAt: null,
            reason: "approved on the MCP consent page",
            grantedBy: approved.userId,
            createdAt: now,
            updatedAt: now,
          })),
        )
        .execute();
    }
    await trx
      .insertInto("mcp_connections")
      .values({ client_id: approved.clientId, user_id: approved.userId, agent_id: agentId })
      .onConflict((conflict) => conflict.columns(["client_id", "user_id"]).doUpdateSet({ agent_id: agentId }))
      .execute();
  });
  return agentId;
}

/** The agent an MCP client acts as for a user, while its connection is active; undefined otherwise. */
export async function connectionAgentOf(db: Kysely<Database>, clientId: string, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("mcp_connections")
    .innerJoin("agent", "agent.id", "mcp_connections.agent_id")
    .select("agent.id")
    .where("mcp_connections.client_id", "=", clientId)
    .where("mcp_connections.user_id", "=", userId)
    .where("agent.status", "=", "active")
    .executeTakeFirst();
  return row?.id;
}

/** Removes a connection created for a consent that then failed, so nothing of it is left acting. */
export async function dropMcpConnection(db: Kysely<Database>, agentId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("mcp_connections").where("agent_id", "=", agentId).execute();
    await revokeAgent(trx, agentId, new Date());
  });
}

/** The agent, its grants and its host (one per connection) end together. */
async function revokeAgent(db: Kysely<Database>, agentId: string, now: Date): Promise<void> {
  const agent = await db
    .updateTable("agent")
    .set({ status: "revoked", updatedAt: now })
    .where("id", "=", agentId)
    .returning("hostId")
    .executeTakeFirst();
  if (agent?.hostId) await db.updateTable("agentHost").set({ status: "revoked", updatedAt: now }).where("id", "=", agent.hostId).execute();
  await db
    .updateTable("agentCapabilityGrant")
    .set({ status: "revoked", updatedAt: now })
    .where("agentId", "=", agentId)
    .where("status", "in", ["active", "pending"])
    .execute();
}

/** An Ed25519 public key whose private key is discarded at once: the agent row needs a key, nobody may sign with it. */
function unusablePublicKey(): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync("ed25519");
  return publicKey.export({ format: "jwk" }) as Record<string, unknown>;
}
