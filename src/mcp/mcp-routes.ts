import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { Router } from "express";
import { HttpProblem, type OperationDispatcher } from "../../generated/routes.js";
import type { Principal } from "../auth/principal.js";
import { MCP_PATH } from "../config/origins.js";
import type { AppContext } from "../handlers/app-context.js";
import { problemOfError } from "../http/error-problems.js";
import { sendPlainProblem, sendProblem } from "../http/problem-responses.js";
import type { Logger } from "../logging/logger.js";
import type { McpAccess } from "./mcp-access.js";
import { createToolServer } from "./tool-server.js";

/**
 * The largest JSON-RPC message accepted, as for `capability/execute`
 * (fast-execute-route.ts): tool arguments are an operation's parameters and
 * body, which fit with room to spare. The transport answers a larger one
 * with 413 before anything is parsed.
 */
const MAX_MESSAGE_BYTES = 100 * 1024;

export interface McpRoutesOptions extends McpAccess {
  /** The generated router's dispatcher, shared with /v1's handlers and capability/execute. */
  readonly dispatcher: OperationDispatcher<AppContext>;
  /** Better Auth's base URL: a refusal for a missing grant names where to ask for it. */
  readonly authBaseUrl: string;
  /** This server's own origins (API and auth): the only `Origin` a request may carry. */
  readonly ownOrigins: readonly string[];
  readonly logger: Logger;
}

/**
 * `/mcp`: MCP's Streamable HTTP transport with the contract's operations as
 * tools. Stateless: every POST is authenticated, gets its own `Server` and
 * transport and is answered with plain JSON (no session id, no SSE stream),
 * so any instance behind the balancer can take any request and nothing is
 * kept between them. GET (the server-to-client SSE stream) and DELETE (end
 * of a session) have nothing to serve without sessions: 405 (MCP
 * 2025-11-25, basic/transports, "Listening for Messages from the Server").
 */
export function mcpRoutes(options: McpRoutesOptions): Router {
  // Exactly MCP_PATH, the resource its tokens are for: no trailing slash, this case.
  const router = Router({ strict: true, caseSensitive: true });
  router.all(MCP_PATH, async (req, res, next) => {
    if (req.method !== "POST") {
      res.set("Allow", "POST");
      sendPlainProblem(res, 405, "method_not_allowed", `${req.method} ${MCP_PATH} is not served: send MCP messages with POST.`);
      return;
    }
    // MCP 2025-11-25, basic/transports, "Security Warning": servers MUST check Origin (DNS rebinding) and answer
    // 403 to an invalid one. Non-browser clients send none; /mcp serves no CORS, so no other site's page could use it anyway.
    const origin = req.get("origin");
    if (origin !== undefined && !options.ownOrigins.includes(origin)) {
      sendPlainProblem(res, 403, "forbidden", `Requests from ${origin} may not use ${MCP_PATH}.`);
      return;
    }
    let principal: Principal;
    try {
      principal = await options.authenticate(req);
    } catch (error) {
      const problem = error instanceof HttpProblem ? error : problemOfError(error);
      if (!problem) {
        next(error);
        return;
      }
      if (problem.status === 401 || problem.status === 403) res.set("WWW-Authenticate", options.challenge(req, problem));
      sendProblem(res, problem);
      return;
    }
    const requestId: string = res.locals.requestId;
    const server = createToolServer({ ...options, principal, requestId });
    // The transport reads and parses the body itself: bad JSON is JSON-RPC's -32700 Parse error with a 400,
    // an oversized body a 413, a wrong Content-Type a 415, per the transport spec; never a 500.
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MAX_MESSAGE_BYTES,
    });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
