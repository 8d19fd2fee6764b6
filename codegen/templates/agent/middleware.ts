/*
 * Agent authentication for the typed client: an openapi-fetch middleware
 * that signs a new agent JWT into every request. Minting per request (not
 * per client, not cached) is what the server requires: each `jti` is
 * accepted once, so a token reused by a retry would be refused as a replay.
 *
 * API tokens are addressed to `<api origin>/v1`: the API verifies those from
 * cached facts, and the protocol endpoints refuse that audience, so a token
 * seen by one side is useless on the other.
 */
import type { Middleware } from "openapi-fetch";
import type { AgentSession } from "./session.js";

export interface AgentAuthMiddlewareOptions {
  /**
   * Called when the API answers 401 `agent_expired` (the agent's session
   * lapsed while idle); it should make any protocol call, which reactivates
   * the agent. The request is then retried once with a new token.
   */
  readonly reactivate?: () => Promise<unknown>;
}

/** The audience of an agent JWT for a request to the API at `url`. */
export function apiAudience(url: string): string {
  return `${new URL(url).origin}/v1`;
}

export function agentAuthMiddleware(session: Pick<AgentSession, "createJwt">, options: AgentAuthMiddlewareOptions = {}): Middleware {
  // Copies of requests as sent, so one can be replayed after a reactivation (a sent body cannot be read twice).
  const retryable = new WeakMap<Request, Request>();
  return {
    async onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${await session.createJwt(apiAudience(request.url))}`);
      if (options.reactivate) retryable.set(request, request.clone());
      return request;
    },
    async onResponse({ request, response }) {
      const copy = retryable.get(request);
      if (!options.reactivate || !copy || response.status !== 401) return undefined;
      const problem = (await response
        .clone()
        .json()
        .catch(() => null)) as { code?: unknown } | null;
      if (problem?.code !== "agent_expired") return undefined;
      await options.reactivate();
      copy.headers.set("Authorization", `Bearer ${await session.createJwt(apiAudience(copy.url))}`);
      return fetch(copy);
    },
  };
}
