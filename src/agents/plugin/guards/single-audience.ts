import { createAuthMiddleware } from "better-auth/api";
import { decodeJwt } from "jose";
import { isAgentAuthPath } from "../truthful-status.js";
import { refusal } from "./refusal.js";

/**
 * Whether a JWT names exactly one audience. Our fast verifier and the plugin
 * share one replay cache now, but not across instances, and they answer for
 * different audience sets: a token naming several could be routed to either
 * side depending on which audience is read. One token, one audience.
 * Undecodable tokens pass: their verifier refuses them.
 */
function hasSingleAudience(token: string): boolean {
  try {
    const audience = decodeJwt(token).aud;
    return !Array.isArray(audience) || audience.length === 1;
  } catch {
    return true;
  }
}

/** Before the plugin verifies a Bearer JWT on its routes: several audiences → 401. */
export const singleAudienceGuard = {
  matcher: (ctx: { path?: string; headers?: Headers }) =>
    isAgentAuthPath(ctx.path) && /^Bearer\s+\S+\.\S+\.\S+$/i.test(ctx.headers?.get("authorization") ?? ""),
  handler: createAuthMiddleware(async (ctx) => {
    const token = (ctx.headers?.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
    if (!hasSingleAudience(token)) {
      throw refusal("invalid_jwt", "A token must name exactly one audience.", "UNAUTHORIZED");
    }
  }),
};
