import { createAuthMiddleware } from "better-auth/api";
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema.js";
import { refusal } from "./refusal.js";

interface HostSession {
  readonly host: { readonly id: string; readonly userId: string | null };
}

/**
 * `POST /agent/ciba/authorize` (host JWT). The plugin accepts any `agent_id`
 * and any `login_hint`, so a host could put someone else's agent into its own
 * user's inbox (skipping that agent's user code), or its own agent into any
 * merchant's inbox (one careless click away from access). Here CIBA reaches
 * only the user the calling host is already linked to, and only for that
 * host's own agents; a host nobody approved yet uses device authorization.
 */
export function cibaGuard(db: Kysely<Database>) {
  return {
    matcher: (ctx: { path?: string }) => ctx.path === "/agent/ciba/authorize",
    handler: createAuthMiddleware(async (ctx) => {
      const hostSession = (ctx.context as { hostSession?: HostSession }).hostSession;
      if (!hostSession) return; // the endpoint answers 401
      const body = (ctx.body ?? {}) as { login_hint?: unknown; agent_id?: unknown };
      if (typeof body.agent_id === "string") {
        const agent = await db.selectFrom("agent").select("hostId").where("id", "=", body.agent_id).executeTakeFirst();
        if (!agent || agent.hostId !== hostSession.host.id) {
          throw refusal("agent_not_of_host", "CIBA requests can only be made for the calling host's own agents.");
        }
      }
      const linked = hostSession.host.userId
        ? await db.selectFrom("user").select("email").where("id", "=", hostSession.host.userId).executeTakeFirst()
        : undefined;
      const hint = typeof body.login_hint === "string" ? body.login_hint.trim().toLowerCase() : "";
      if (!linked || linked.email.toLowerCase() !== hint) {
        throw refusal(
          "ciba_user_not_linked",
          "CIBA can only reach the user this host is linked to (the merchant who approved one of its agents). Use device authorization to ask anyone else.",
        );
      }
    }),
  };
}
