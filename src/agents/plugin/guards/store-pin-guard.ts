import { createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema.js";
import { pinnedOrganization } from "../../principal/store-of-agent.js";
import { refusal } from "./refusal.js";
import { membershipsOf, pinnedOrganizationOfRow } from "./store-access.js";

/**
 * `POST /agent/update` may set an agent's metadata, which carries the store
 * it acts in (`organizationId`). Grants were approved for that store: moving
 * the agent to another store would carry them across the boundary. So a pin,
 * once set, stays (metadata updates must keep it), and an unpinned agent can
 * be pinned only to a store its user belongs to.
 */
export function storePinGuard(db: Kysely<Database>) {
  return {
    matcher: (ctx: { path?: string }) => ctx.path === "/agent/update",
    handler: createAuthMiddleware(async (ctx) => {
      const body = (ctx.body ?? {}) as { agent_id?: unknown; metadata?: unknown };
      if (typeof body.agent_id !== "string" || body.metadata === undefined) return;
      const session = await getSessionFromCtx(ctx);
      if (!session) return; // the endpoint answers 401
      const agent = await db.selectFrom("agent").select(["metadata", "userId"]).where("id", "=", body.agent_id).executeTakeFirst();
      if (!agent || agent.userId !== session.user.id) return; // the plugin answers 404
      const current = pinnedOrganizationOfRow(agent);
      const wanted = pinnedOrganization(body.metadata);
      if (current && wanted !== current) {
        throw refusal(
          "store_pin_fixed",
          "The agent's store is fixed once approved (metadata.organizationId must stay). Register a new agent for another store.",
        );
      }
      if (!current && wanted && !(await membershipsOf(db, session.user.id)).some((membership) => membership.organizationId === wanted)) {
        throw refusal("not_a_member", "An agent can only be pinned to a store you are a member of.");
      }
    }),
  };
}
