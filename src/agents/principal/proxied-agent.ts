import type { Kysely } from "kysely";
import type { Principal, Scope } from "../../auth/principal.js";
import { parseJsonColumn } from "../../db/json-column.js";
import type { Database } from "../../db/schema.js";
import { httpProblem } from "../../http/problem-titles.js";
import { principalOfAgentSession } from "./agent-principal.js";

/**
 * A call proxied by the auth server's `capability/execute` (proxy mode):
 * the proxy API key vouches that the agent's JWT was verified there; we
 * still apply the agent's own state and grants (read now, so a revoke
 * counts) and its tenant, and the key may only act in its own store and
 * within its own scopes.
 */
export async function resolveProxiedAgent(db: Kysely<Database>, proxyKey: Principal, agentId: string): Promise<Principal> {
  const agent = await db.selectFrom("agent").select(["id", "userId", "status", "metadata"]).where("id", "=", agentId).executeTakeFirst();
  if (agent?.status !== "active") {
    throw httpProblem(403, "agent_not_active", "The agent this call acts for is unknown, pending, revoked or expired.");
  }
  const now = new Date();
  const grants = await db
    .selectFrom("agentCapabilityGrant")
    .select(["capability", "status", "constraints"])
    .where("agentId", "=", agentId)
    .where("status", "=", "active")
    .where((eb) => eb.or([eb("expiresAt", "is", null), eb("expiresAt", ">", now)]))
    .execute();
  const principal = await principalOfAgentSession(db, {
    agentId,
    userId: agent.userId,
    agent: { metadata: parseJsonColumn(agent.metadata), capabilityGrants: grants },
  });
  if (principal.organizationId !== proxyKey.organizationId) {
    throw httpProblem(403, "proxy_key_wrong_store", "The proxy API key belongs to another store than the agent's.");
  }
  // The call may use no scope that the agent's user or the proxy key lacks.
  const scopes = new Set<Scope>([...principal.scopes].filter((scope) => proxyKey.scopes.has(scope)));
  return { ...principal, scopes };
}
