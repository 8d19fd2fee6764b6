import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * MCP clients' connections (issue #16): which agent stands for an OAuth
 * client acting for a user. A merchant's consent creates the agent (its
 * store pin, grants and limits, listed and revoked on /agents like any
 * other); /mcp finds it from a token's client (`azp`) and user (`sub`).
 * One row per client and user: a new consent replaces the previous agent.
 * Lives beside the agent tables, not among the store's: the store is the
 * agent's pin (its metadata), as for every agent.
 */
export const mcpConnections: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("mcp_connections")
      .addColumn("client_id", "text", (column) => column.notNull())
      .addColumn("user_id", "text", (column) => column.notNull())
      .addColumn("agent_id", "text", (column) => column.notNull().unique())
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("mcp_connections_pkey", ["client_id", "user_id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("mcp_connections").execute();
  },
};
