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
 * The `WWW-Authenticate` value sent with a 401 or 403 from `authenticate`:
 * e.g. `Bearer resource_metadata="…", error="invalid_token"` for a 401 and
 * `error="insufficient_scope"` for a 403 (RFC 6750 §3, RFC 9728 §5.1; MCP
 * 2025-11-25 authorization asks for both), which tell an MCP client where to
 * start or step up OAuth. The problem says which refusal it is.
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
