import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Principal, Scope } from "../../src/auth/principal.js";
import { httpProblem } from "../../src/http/problem-titles.js";
import type { McpAccess } from "../../src/mcp/mcp-access.js";
import type { StoreOwner } from "../support/test-app.js";

/** What the injected challenge answers with (the OAuth side's real one names its metadata URL the same way). */
export const TEST_CHALLENGE = 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp", error="invalid_token"';

/** What it answers a 403 with. */
export const TEST_FORBIDDEN_CHALLENGE = 'Bearer error="insufficient_scope"';

/** A token `authenticate` refuses with 403 (a credential that may no longer be used). */
export const FORBIDDEN_TOKEN = "forbidden-token";

/**
 * Bearer tokens of the test, each standing for a Principal: the injected
 * `authenticate` looks the token up (an unknown or missing one is a 401),
 * the way the OAuth side will resolve access tokens. `calls` counts the
 * authentications, so a test can tell that a refused request got no further.
 */
export class TestTokens {
  private readonly principals = new Map<string, Principal>();
  calls = 0;

  readonly access: McpAccess = {
    authenticate: async (req) => {
      this.calls += 1;
      const token = /^Bearer (\S+)$/.exec(req.get("authorization") ?? "")?.[1];
      if (token === FORBIDDEN_TOKEN) throw httpProblem(403, "agent_revoked", "This connection was revoked.");
      const principal = token ? this.principals.get(token) : undefined;
      if (!principal) throw httpProblem(401, "unauthenticated", "Send a valid access token.");
      return principal;
    },
    challenge: (_req, problem) => (problem.status === 403 ? TEST_FORBIDDEN_CHALLENGE : TEST_CHALLENGE),
  };

  /** A token for an API-key-like caller of the owner's store with these scopes. */
  apiKey(owner: StoreOwner, scopes: readonly Scope[]): string {
    return this.add({ kind: "api_key", organizationId: owner.organizationId, userId: owner.userId, scopes: new Set(scopes) });
  }

  /** A token for an agent of the owner's store holding exactly these capabilities. */
  agent(owner: StoreOwner, capabilities: readonly string[]): string {
    return this.add({
      kind: "agent",
      organizationId: owner.organizationId,
      userId: owner.userId,
      scopes: new Set(["storefront"]),
      grantedCapabilities: new Set(capabilities),
    });
  }

  private add(principal: Omit<Principal, "credentialId">): string {
    const token = `token-${this.principals.size + 1}`;
    this.principals.set(token, { ...principal, credentialId: `mcp-test-${token}` });
    return token;
  }
}

/** The SDK's own client, connected (initialize done) to the app's /mcp with a bearer token. */
export async function connectClient(baseUrl: string, token: string): Promise<Client> {
  const client = new Client({ name: "commerce-mcp-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", baseUrl), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

/** tools/call; the result as the current protocol shapes it (the SDK's type also allows the 2024 `toolResult` form). */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** A successful call's structured result (fails the test on a tool error). */
export async function callOk<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = await callTool(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
  return result.structuredContent as T;
}

/** The text contents of a result, joined. */
export function textOf(result: CallToolResult): string {
  return result.content.map((item) => (item.type === "text" ? item.text : `[${item.type}]`)).join("\n");
}

/** A tool error's problem+json (its second text content). */
export function problemOf(result: CallToolResult): Record<string, unknown> {
  const item = result.content[1];
  if (!result.isError || item?.type !== "text") throw new Error(`not a tool error: ${JSON.stringify(result)}`);
  return JSON.parse(item.text) as Record<string, unknown>;
}
