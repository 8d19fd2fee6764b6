import type { AgentSession } from "@better-auth/agent-auth";
import { APIError } from "better-auth/api";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { isCapabilityName } from "../../generated/capabilities.js";
import { createDispatcher, HttpProblem, type HandlerResult } from "../../generated/routes.js";
import { assertMayCall } from "../auth/resolve-principal.js";
import type { Database } from "../db/schema.js";
import { tenantOf } from "../db/tenant.js";
import { createHandlers } from "../handlers/index.js";
import { principalOfAgentSession } from "./agent-principal.js";
import { toOperationCall } from "./capability-arguments.js";
import { proxyOperationCall, type ProxyTarget } from "./proxy-call.js";

/** Where `capability/execute` runs operations: here, or at the API over HTTP with the proxy key. */
export type ExecutionTarget = { readonly kind: "in-process" } | ({ readonly kind: "proxy" } & ProxyTarget);

export interface ExecuteRequest {
  readonly capability: string;
  readonly arguments?: Record<string, unknown>;
  readonly agentSession: AgentSession;
}

/**
 * The plugin's `onExecute`: runs the capability's operation for the agent
 * with the same validation, grants, tenant and results as a direct call.
 * In-process it goes through the generated router's dispatcher (no HTTP
 * hop); in proxy mode it calls the API. Failures keep their status and
 * problem+json body; success returns the operation's response body, which
 * the plugin sends as `{ data }`.
 */
export function createCapabilityExecutor(db: Kysely<Database>, target: ExecutionTarget, authBaseUrl: () => string): (request: ExecuteRequest) => Promise<unknown> {
  const dispatcher = createDispatcher(createHandlers(db));
  return async ({ capability, arguments: args, agentSession }: ExecuteRequest): Promise<unknown> => {
    try {
      if (!isCapabilityName(capability)) throw new HttpProblem(404, "unknown_capability", "Unknown capability", `No capability "${capability}".`);
      const call = toOperationCall(capability, args);
      const result: HandlerResult =
        target.kind === "proxy"
          ? await proxyOperationCall(target, capability, call, agentSession.agentId)
          : await runHere(capability, call, agentSession);
      if (result.status >= 400) throw apiError(result.status, asBody(result.body));
      return result.body ?? null;
    } catch (error) {
      if (error instanceof HttpProblem) throw apiError(error.status, { ...error.toJSON() }, error.headers);
      throw error;
    }
  };

  async function runHere(capability: string, call: Parameters<typeof dispatcher.dispatch>[1], agentSession: AgentSession): Promise<HandlerResult> {
    const principal = await principalOfAgentSession(db, agentSession);
    assertMayCall(principal, capability, authBaseUrl());
    return dispatcher.dispatch(capability, call, { principal, tenant: tenantOf(principal.organizationId), requestId: randomUUID() });
  }
}

/** An error the plugin passes through with our status (HTTP statuses are a subset of better-call's `Status`). */
function apiError(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): APIError {
  return new APIError(status as ConstructorParameters<typeof APIError>[0], body, headers);
}

function asBody(body: unknown): Record<string, unknown> {
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : { detail: body };
}
