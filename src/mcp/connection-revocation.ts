import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";

/** The plugin routes that end agents (an agent, or a host with its agents). */
const REVOKING = new Set(["/agent/revoke", "/host/revoke"]);

/**
 * When a merchant revokes an MCP client's connection (its agent or host, on
 * /agents or through the plugin), the refresh tokens issued for that client
 * and user are revoked too. /mcp already refuses the connection's next call
 * (it looks the connection up per call); this only spares the client
 * refreshing into tokens that can do nothing, and sends it back to the
 * consent page at once.
 */
export function mcpConnectionRevocation(db: Kysely<Database>): BetterAuthPlugin {
  return {
    id: "commerce-mcp-connection-revocation",
    hooks: {
      after: [
        {
          matcher: (ctx) => typeof ctx.path === "string" && REVOKING.has(ctx.path),
          handler: createAuthMiddleware(async () => {
            await revokeEndedConnectionsTokens(db);
          }),
        },
      ],
    },
  };
}

/** Revokes the live refresh tokens of every connection whose agent no longer acts. */
export async function revokeEndedConnectionsTokens(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable("oauthRefreshToken")
    .set({ revoked: new Date() })
    .where("revoked", "is", null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("mcp_connections")
          .innerJoin("agent", "agent.id", "mcp_connections.agent_id")
          .select(sql<number>`1`.as("one"))
          .whereRef("mcp_connections.client_id", "=", "oauthRefreshToken.clientId")
          .whereRef("mcp_connections.user_id", "=", "oauthRefreshToken.userId")
          .where("agent.status", "!=", "active"),
      ),
    )
    .execute();
}
