import type { Kysely } from "kysely";
import type { AgentResolver } from "../agents/principal/agent-resolver.js";
import type { ApiKeyResolver } from "../auth/api-key-principal.js";
import type { Auth } from "../auth/create-auth.js";
import { AgentJwtSource } from "../auth/sources/agent-jwt-source.js";
import { ApiKeySource } from "../auth/sources/api-key-source.js";
import type { PrincipalSource } from "../auth/sources/principal-source.js";
import { ProxiedAgentSource } from "../auth/sources/proxied-agent-source.js";
import { SessionSource } from "../auth/sources/session-source.js";
import type { Origins } from "../config/origins.js";
import type { Database } from "../db/schema.js";

export interface PrincipalSourceDependencies {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  readonly apiKeys: ApiKeyResolver;
  readonly agents: AgentResolver;
  readonly origins: Origins;
  readonly trustProxy: boolean;
  readonly proxyApiKey: string | undefined;
}

/**
 * Who may call /v1, in the order they are asked: the first source whose
 * credential a request carries decides (see auth/resolve-principal.ts). An
 * API key wins over a Bearer token, a Bearer token over a session cookie; a
 * key naming an agent is checked as the proxy's before anything else.
 */
export function principalSources({
  auth,
  db,
  apiKeys,
  agents,
  origins,
  trustProxy,
  proxyApiKey,
}: PrincipalSourceDependencies): PrincipalSource[] {
  const apiKey = new ApiKeySource(apiKeys, origins.publicOrigin);
  return [
    new ProxiedAgentSource(apiKey, db, proxyApiKey),
    apiKey,
    new AgentJwtSource({ auth, db, agents, origins, trustProxy }),
    new SessionSource(auth, db, origins.publicOrigin),
  ];
}
