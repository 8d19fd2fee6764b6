import type { Request } from "express";
import type { HttpProblem } from "../../generated/routes.js";
import type { Principal } from "../auth/principal.js";

/**
 * Who is calling `/mcp`, decided before any MCP message is read. Throws an
 * HttpProblem (401 when no usable credential was sent, 403 when the
 * credential may not use MCP); anything else thrown is classified like /v1's
 * errors (a database outage is a 503) or, unclassified, a 500.
 */
export type McpAuthenticate = (req: Request) => Promise<Principal>;

/**
 * The `WWW-Authenticate` value sent with a 401, e.g. `Bearer
 * resource_metadata="…", error="invalid_token"` (RFC 6750, RFC 9728): it
 * tells an MCP client where to start OAuth.
 */
export type McpChallenge = (req: Request, problem: HttpProblem) => string;

/**
 * How `/mcp` knows its callers: the one piece the composition root must
 * supply to serve MCP (absent: `/mcp` is not mounted). The OAuth side of
 * MCP provides both functions; this folder depends on neither token format.
 */
export interface McpAccess {
  readonly authenticate: McpAuthenticate;
  readonly challenge: McpChallenge;
}
