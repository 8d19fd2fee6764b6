import { createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { Kysely } from "kysely";
import { autoGrantedCapabilities } from "../../../../generated/capabilities.js";
import type { Database } from "../../../db/schema.js";
import { refusal } from "./refusal.js";
import { managesStore, membershipsOf } from "./store-access.js";

const AUTO_GRANTED: ReadonlySet<string> = new Set(autoGrantedCapabilities);

interface HostBody {
  host_id?: unknown;
  default_capabilities?: unknown;
}

/**
 * Host management. A host's agents act as the host's user, so whoever can
 * change a host's key or defaults can act as that user: the plugin lets any
 * member of a shared store do it (and anyone at all for a host with no user
 * yet). Here:
 * - `host/update` only by the host's own user (a key change is an identity
 *   change; no one else may make it, not even a store owner);
 * - `host/revoke` with a session: the host's own user, or an owner/admin of
 *   a store the host's user belongs to; a host with no user only with its own
 *   host JWT (the plugin checks that one);
 * - default capabilities (`host/create`, `host/update`) only from the
 *   contract's auto-granted set: anything else needs a merchant's approval.
 */
export function hostGuard(db: Kysely<Database>) {
  return {
    matcher: (ctx: { path?: string }) => ctx.path === "/host/update" || ctx.path === "/host/revoke" || ctx.path === "/host/create",
    handler: createAuthMiddleware(async (ctx) => {
      const body = (ctx.body ?? {}) as HostBody;
      assertAutoGrantedDefaults(body.default_capabilities);
      if (ctx.path === "/host/create") return;
      if (ctx.path === "/host/revoke" && (ctx.context as { hostSession?: unknown }).hostSession) return; // its own host JWT
      const session = await getSessionFromCtx(ctx);
      if (!session) return; // the endpoint answers 401
      if (typeof body.host_id !== "string") return; // the endpoint answers 400
      const host = await db.selectFrom("agentHost").select(["userId"]).where("id", "=", body.host_id).executeTakeFirst();
      if (!host) return; // the plugin answers 404
      if (host.userId === session.user.id) return;
      if (ctx.path === "/host/revoke" && host.userId && (await managesStoreOf(db, session.user.id, host.userId))) return;
      throw refusal(
        "host_not_yours",
        ctx.path === "/host/update"
          ? "Only the host's own user can change it."
          : "Only the host's own user, or an owner or admin of that user's store, can revoke it.",
      );
    }),
  };
}

function assertAutoGrantedDefaults(value: unknown): void {
  if (!Array.isArray(value)) return;
  const extra = value.filter((name) => typeof name !== "string" || !AUTO_GRANTED.has(name));
  if (extra.length > 0) {
    throw refusal(
      "default_capability_not_allowed",
      `A host's default capabilities can only be auto-granted ones (${[...AUTO_GRANTED].join(", ")}); ${extra.map(String).join(", ")} need a merchant's approval.`,
    );
  }
}

/** Whether `actorId` is owner/admin of a store that `subjectId` is a member of. */
async function managesStoreOf(db: Kysely<Database>, actorId: string, subjectId: string): Promise<boolean> {
  const subjectStores = new Set((await membershipsOf(db, subjectId)).map((membership) => membership.organizationId));
  return (await membershipsOf(db, actorId)).some((membership) => subjectStores.has(membership.organizationId) && managesStore(membership));
}
