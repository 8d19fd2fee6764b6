import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { mcpTools, mcpToolsByName } from "../../generated/mcp-tools.js";
import { HttpProblem, type OperationDispatcher } from "../../generated/routes.js";
import { toOperationCall } from "../agents/execute/capability-arguments.js";
import { dispatchAs } from "../agents/execute/dispatch-as.js";
import { protocolProblem } from "../agents/plugin/protocol-problem.js";
import type { Principal } from "../auth/principal.js";
import type { AppContext } from "../handlers/app-context.js";
import { problemOfError } from "../http/error-problems.js";
import type { Logger } from "../logging/logger.js";
import { toolFailure, toolRefusal, toolSuccess } from "./tool-results.js";

/** What `/mcp` introduces itself as in `initialize`. */
const SERVER_INFO = { name: "commerce-api", title: "Commerce API", version: "1.0.0" };

export interface ToolServerOptions {
  /** The caller, authenticated before any MCP message was read. */
  readonly principal: Principal;
  /** The generated router's dispatcher: the same validators and handlers as /v1. */
  readonly dispatcher: OperationDispatcher<AppContext>;
  /** Better Auth's base URL: a refusal for a missing grant names where to ask for it. */
  readonly authBaseUrl: string;
  /** The HTTP request's id: operations run under it and an unexpected error is logged with it. */
  readonly requestId: string;
  readonly logger: Logger;
}

/**
 * An MCP server for one request of one caller (the endpoint is stateless:
 * nothing outlives the POST). The low-level `Server` takes the generated
 * JSON Schemas as they are; McpServer would want zod schemas, a second
 * source of truth beside the contract.
 */
export function createToolServer(options: ToolServerOptions): Server {
  const { principal } = options;
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });

  // The tools of the caller's scopes, exactly as generated. An agent also sees tools it holds no grant for yet:
  // calling one answers capability_not_granted with where to ask the merchant for it.
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: mcpTools.filter((definition) => principal.scopes.has(definition.scope)).map((definition) => ({ ...definition.tool })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const definition = mcpToolsByName.get(request.params.name);
    // A name outside the contract is a protocol error, not a tool error: spec 2025-11-25, server/tools,
    // "Error Handling" lists unknown tools under protocol errors (JSON-RPC -32602 Invalid params), while
    // invalid arguments of a known tool are tool execution errors the model can correct (SEP-1303).
    // A known tool outside the caller's scopes is not unknown: it is refused below as insufficient_scope.
    if (!definition) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    try {
      const call = toOperationCall(definition.operationId, request.params.arguments);
      const result = await dispatchAs(options.dispatcher, principal, definition.operationId, call, options);
      if (result.status < 400) return toolSuccess(definition, result.body);
      return toolRefusal(protocolProblem(result.status, result.body));
    } catch (error) {
      const problem = error instanceof HttpProblem ? error : problemOfError(error);
      if (problem) return toolRefusal(problem);
      options.logger.error({ err: error, requestId: options.requestId, tool: definition.operationId }, "mcp tool call failed");
      return toolFailure(options.requestId);
    }
  });
  return server;
}
