/*
 * Agent authentication for the typed client: an openapi-fetch middleware
 * that signs a new agent JWT into every request. Minting per request (not
 * per client, not cached) is what the server requires: each `jti` is
 * accepted once, so a token reused by a retry would be refused as a replay.
 */
import type { Middleware } from "openapi-fetch";
import type { AgentSession } from "./session.js";

export function agentAuthMiddleware(session: Pick<AgentSession, "createJwt">): Middleware {
  return {
    async onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${await session.createJwt()}`);
      return request;
    },
  };
}
