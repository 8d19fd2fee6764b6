import { createAuthMiddleware } from "better-auth/api";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { ReplayStore } from "../../principal/replay-store.js";
import { isAgentAuthPath } from "../truthful-status.js";
import { refusal } from "./refusal.js";

/** The plugin's host JWT max age plus its clock skew tolerance: how long an id must be remembered. */
const REMEMBER_MS = (60 + 30) * 1000;

/** Routes whose handlers check a host JWT's `jti` themselves. */
const CHECKED_BY_PLUGIN = new Set(["/agent/register", "/agent/claim", "/host/rotate-key"]);

/**
 * The plugin's before-hook accepts a host JWT on every agent route without
 * remembering its `jti`, so a captured token could be replayed for its whole
 * minute (another CIBA request, another device code, a revoke). Here each
 * host JWT id is usable once (per process, or per Redis with REDIS_URL); a
 * host JWT without one is refused. The ids go to the shared replay store under the plugin's own key
 * (`host:<host id>:<jti>`), so a host JWT spent at registration or key
 * rotation is spent here too.
 */
export function hostJwtReplayGuard(seen: ReplayStore) {
  return {
    matcher: (ctx: { path?: string; headers?: Headers }) =>
      isAgentAuthPath(ctx.path) &&
      !CHECKED_BY_PLUGIN.has(ctx.path ?? "") &&
      /^Bearer\s+\S+\.\S+\.\S+$/i.test(ctx.headers?.get("authorization") ?? ""),
    handler: createAuthMiddleware(async (ctx) => {
      const token = (ctx.headers?.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
      let typ: unknown;
      let claims: { jti?: unknown; iss?: unknown };
      try {
        typ = decodeProtectedHeader(token).typ;
        claims = decodeJwt(token);
      } catch {
        return; // the plugin refuses what it cannot decode
      }
      if (typ !== "host+jwt") return;
      if (typeof claims.jti !== "string" || claims.jti.length === 0)
        throw refusal("invalid_jwt", "A host JWT needs a jti.", "UNAUTHORIZED");
      // A store that cannot answer throws ReplayStoreUnavailable: 503 (auth-handler.ts), never an unchecked pass.
      if (!(await seen.claim(`host:${String(claims.iss)}:${claims.jti}`, Date.now() + REMEMBER_MS))) {
        throw refusal("jwt_replay", "This host JWT was already used.", "UNAUTHORIZED");
      }
    }),
  };
}
