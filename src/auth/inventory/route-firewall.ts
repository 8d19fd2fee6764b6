import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { hostJwtReplayGuard } from "../../agents/plugin/guards/host-jwt-replay.js";
import { refusal } from "../../agents/plugin/guards/refusal.js";
import { singleAudienceGuard } from "../../agents/plugin/guards/single-audience.js";
import type { ReplayStore } from "../../agents/principal/replay-store.js";
import { authRouteOf } from "./auth-routes.js";
import { isInternalCall } from "./internal-call.js";

/**
 * The front gate of /api/auth, listed first among the plugins so its hooks
 * run before every other plugin's: a route missing from the inventory, or
 * marked disabled there, is refused with 404 whatever mounted it; a Bearer
 * JWT naming several audiences is refused before the agent plugin spends
 * its `jti`, and a host JWT is usable once. Endpoints without a path are
 * server-only and pass, as do `internal` routes called by our own code (no request).
 */
export function routeFirewall(replayIds: ReplayStore): BetterAuthPlugin {
  return {
    id: "commerce-route-firewall",
    hooks: {
      before: [
        {
          matcher: (ctx) => typeof ctx.path === "string" && refusedHere(ctx.path, isInternalCall(ctx.request)),
          handler: createAuthMiddleware(async () => {
            throw refusal("not_found", "No such endpoint.", "NOT_FOUND");
          }),
        },
        singleAudienceGuard,
        hostJwtReplayGuard(replayIds),
      ],
    },
  };
}

/** Refused unless enabled, or `internal` and called from our own code rather than over HTTP. */
function refusedHere(path: string, internalCall: boolean): boolean {
  const route = authRouteOf(path);
  if (route?.enabled === true) return false;
  return !(route?.internal === true && internalCall);
}
