import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { Scope } from "./principal.js";

/** Organization roles that reach admin operations. */
const ADMIN_ROLES = new Set(["owner", "admin"]);

/**
 * The scopes a user's current membership allows in an organization: none
 * when not a member, `storefront` for any member, plus `admin` for owners
 * and admins. Read on every call, so leaving or being demoted takes effect
 * on the next request.
 */
export async function membershipScopes(db: Kysely<Database>, organizationId: string, userId: string): Promise<Set<Scope>> {
  const member = await db
    .selectFrom("member")
    .select("role")
    .where("organizationId", "=", organizationId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return scopesOfRole(member?.role);
}

/** Scopes of a membership role (`undefined`: not a member). Better Auth stores several roles comma-separated. */
export function scopesOfRole(role: string | null | undefined): Set<Scope> {
  if (!role) return new Set();
  const roles = role.split(",").map((item) => item.trim());
  return new Set<Scope>(roles.some((item) => ADMIN_ROLES.has(item)) ? ["storefront", "admin"] : ["storefront"]);
}
