import type { AgentResolver } from "../agents/principal/agent-resolver.js";
import type { Auth } from "../auth/create-auth.js";
import { MCP_SCOPE } from "../auth/oauth-provider.js";
import { mcpResourceOf, type Origins } from "../config/origins.js";
import type { DatabaseHandle } from "../db/create-database.js";
import type { McpAccess } from "../mcp/mcp-access.js";
import { McpAuthenticator } from "../mcp/mcp-authenticator.js";

/**
 * How /mcp knows its callers in production: OAuth access tokens of our
 * authorization server, bound to the /mcp resource, standing for the
 * connection the merchant approved (see mcp/mcp-authenticator.ts).
 */
export function oauthMcpAccess(auth: Auth, database: DatabaseHandle, agents: AgentResolver, origins: Origins): McpAccess {
  const authenticator = new McpAuthenticator(auth, database.db, agents, {
    issuer: origins.authBaseUrl,
    resource: mcpResourceOf(origins),
    scope: MCP_SCOPE,
  });
  return {
    authenticate: (req) => authenticator.authenticate(req),
    challenge: (req, problem) => authenticator.challenge(problem, req.headers.authorization !== undefined),
  };
}
