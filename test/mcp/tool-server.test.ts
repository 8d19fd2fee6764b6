/*
 * The tool server alone, over the SDK's in-memory transport, with a
 * dispatcher that fails on purpose: what reaches the model when an operation
 * breaks in a way nothing classified, or answers with an error status.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import type { HandlerResult, OperationDispatcher } from "../../generated/routes.js";
import type { Principal } from "../../src/auth/principal.js";
import type { AppContext } from "../../src/handlers/app-context.js";
import { createToolServer } from "../../src/mcp/tool-server.js";
import { captureLog } from "../support/capture-log.js";
import { problemOf, textOf } from "./mcp-test-kit.js";

const principal: Principal = {
  kind: "api_key",
  organizationId: "org_1",
  userId: "user_1",
  credentialId: "key_1",
  scopes: new Set(["storefront"]),
};

async function callWith(dispatch: () => Promise<HandlerResult>): Promise<{ result: CallToolResult; lines: Record<string, unknown>[] }> {
  const { logger, lines } = captureLog();
  const dispatcher: OperationDispatcher<AppContext> = { has: () => true, dispatch };
  const server = createToolServer({ principal, dispatcher, authBaseUrl: "http://auth.test/api/auth", requestId: "req-42", logger });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "1" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    const result = (await client.callTool({ name: "createCart", arguments: { currency: "EUR" } })) as CallToolResult;
    return { result, lines };
  } finally {
    await client.close();
  }
}

describe("tool server", () => {
  it("turns an unclassified error into a generic tool error and logs it with the request id", async () => {
    const { result, lines } = await callWith(async () => {
      throw new Error("connection to 10.0.0.7 refused: password=hunter2");
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toMatch(/^internal_error: .*request req-42/);
    expect(textOf(result)).not.toContain("hunter2");
    expect(lines).toEqual([expect.objectContaining({ msg: "mcp tool call failed", requestId: "req-42", tool: "createCart" })]);
  });

  it("turns a result with an error status into a tool error carrying its problem", async () => {
    const body = {
      type: "/problems/cart_not_open",
      title: "Cart is not open",
      status: 409,
      code: "cart_not_open",
      detail: "Ordered.",
      error: "cart_not_open",
      message: "Ordered.",
    };
    const { result } = await callWith(async () => ({ status: 409, body }));
    expect(textOf(result)).toMatch(/^cart_not_open: Ordered\./);
    expect(problemOf(result)).toEqual(body);
  });
});
