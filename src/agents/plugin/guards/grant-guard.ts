import { createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema.js";
import { refusal } from "./refusal.js";
import {
  adminCapabilities,
  capabilityNamesOf,
  grantingMembership,
  isFreshSession,
  managesStore,
  pinnedOrganizationOfRow,
} from "./store-access.js";

/** Approvals and direct grants need a sign-in this recent (the plugin's freshSessionWindow). */
export const FRESH_SESSION_SECONDS = 300;

/**
 * `POST /agent/grant-capability`: the plugin lets any session grant any
 * capability to any agent it can name, pending ones included, and those
 * grants become live when someone later approves the agent. Here a direct
 * grant is the agent's own user granting to their own *active* agent, in a
 * store they belong to: admin capabilities only as that store's owner/admin,
 * and with a recent sign-in, like an approval.
 */
export function grantGuard(db: Kysely<Database>) {
  return {
    matcher: (ctx: { path?: string }) => ctx.path === "/agent/grant-capability",
    handler: createAuthMiddleware(async (ctx) => {
      const session = await getSessionFromCtx(ctx);
      if (!session) return; // the endpoint answers 401
      const body = (ctx.body ?? {}) as { agent_id?: unknown; capabilities?: unknown };
      if (typeof body.agent_id !== "string") return; // the endpoint's validation answers 400
      const agent = await db
        .selectFrom("agent")
        .select(["userId", "status", "metadata"])
        .where("id", "=", body.agent_id)
        .executeTakeFirst();
      if (!agent) return; // the plugin answers 404
      if (agent.userId !== session.user.id || agent.status !== "active") {
        throw refusal(
          "grant_not_allowed",
          "Capabilities can be granted directly only to an active agent that acts for you. A new or pending agent gets its capabilities through the approval its merchant sees.",
        );
      }
      // Passkey-strength capabilities are refused here by the passkey gate (webauthn-approval-gate.ts).
      const names = capabilityNamesOf(body.capabilities) ?? [];
      const store = await grantingMembership(db, session.user.id, pinnedOrganizationOfRow(agent));
      if (!store) {
        throw refusal(
          "organization_required",
          "The agent has no store you belong to: approve it on the device page choosing the store first.",
        );
      }
      const admin = adminCapabilities(names);
      if (admin.length > 0 && !managesStore(store)) {
        throw refusal(
          "admin_approval_requires_admin",
          `Only an owner or admin of the store can grant admin capabilities (${admin.join(", ")}).`,
        );
      }
      if (!isFreshSession(session, FRESH_SESSION_SECONDS)) {
        throw refusal("fresh_session_required", "Granting capabilities needs a sign-in from the last 5 minutes: sign in again.");
      }
    }),
  };
}
