import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpToolDefinition } from "../../generated/mcp-tools.js";
import type { HttpProblem } from "../../generated/routes.js";

/**
 * A successful operation as MCP's `CallToolResult`: the body as JSON text
 * (what a model reads) and, when the tool declares an output schema, the
 * same body as `structuredContent` in the shape the schema describes
 * (`definition.output`: the body itself, or `{ result: body }` for bodies
 * that are not objects).
 *
 * @example toolSuccess(getProductTool, { id: "…", name: "Mug" })
 * // { content: [{ type: "text", text: '{"id":"…","name":"Mug"}' }], structuredContent: { id: "…", name: "Mug" } }
 */
export function toolSuccess(definition: McpToolDefinition, body: unknown): CallToolResult {
  const content: CallToolResult["content"] = [{ type: "text", text: body === undefined ? "" : JSON.stringify(body) }];
  switch (definition.output.mode) {
    case "none":
      return { content };
    case "body":
      return { content, structuredContent: body as Record<string, unknown> };
    case "wrapped":
      return { content, structuredContent: { [definition.output.property]: body } };
  }
}

/**
 * A refusal (what /v1 answers with problem+json) as an MCP tool error, so
 * the model sees it and can correct itself (spec 2025-11-25, server/tools,
 * "Error Handling": execution and input errors are results with `isError`).
 * The first text is for the model: `<code>: <detail>`, then one line per
 * invalid field; the second is the problem+json body, for programs.
 *
 * The problem is deliberately not `structuredContent`: the spec says a tool
 * with an output schema MUST return structured results conforming to it, and
 * the official TypeScript client (1.32.2) validates `structuredContent`
 * against the output schema even when `isError` is set, so a problem there
 * turns every refusal into a client-side exception the model never sees
 * (modelcontextprotocol/typescript-sdk#1943).
 *
 * @example toolRefusal(httpProblem(403, "insufficient_scope", 'adminListOrders needs the "admin" scope.'))
 * // { isError: true, content: [{ type: "text", text: 'insufficient_scope: adminListOrders needs the "admin" scope.' }, { type: "text", text: '{"type":…}' }] }
 */
export function toolRefusal(problem: HttpProblem): CallToolResult {
  const body = problem.toJSON();
  const fields = (body.errors ?? []).map((error) => `\n${error.pointer} ${error.detail}`).join("");
  return {
    isError: true,
    content: [
      { type: "text", text: `${body.code}: ${body.message}${fields}` },
      { type: "text", text: JSON.stringify(body) },
    ],
  };
}

/**
 * An error nothing classified (a bug, an outage we do not recognise): a
 * generic tool error that says nothing of the internals; the request id
 * finds the logged error.
 */
export function toolFailure(requestId: string): CallToolResult {
  return {
    isError: true,
    content: [
      {
        type: "text",
        text: `internal_error: The tool failed unexpectedly (request ${requestId}). Retrying may help; a retry of a tool that changes data should reuse its Idempotency-Key when it takes one.`,
      },
    ],
  };
}
