import { fromNodeHeaders } from "better-auth/node";
import type { Request } from "express";
import type { Kysely } from "kysely";
import type { Auth } from "../auth/create-auth.js";
import { scopesOfRole } from "../auth/membership.js";
import { fallbackUnlessDatabaseDown } from "../db/connection-errors.js";
import type { Database } from "../db/schema.js";

export interface StoreMembership {
  readonly organizationId: string;
  readonly name: string;
  /** Owner or admin: may approve admin capabilities for this store. */
  readonly manages: boolean;
}

export interface PageUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly stores: readonly StoreMembership[];
}

/** The signed-in user of a page request (Better Auth session cookie) with their stores; null when signed out. */
export async function pageUser(auth: Auth, db: Kysely<Database>, req: Request): Promise<PageUser | null> {
  const session = await auth.api
    .getSession({ headers: fromNodeHeaders(req.headers), query: { disableCookieCache: true } })
    .catch(fallbackUnlessDatabaseDown(null));
  if (!session) return null;
  const rows = await db
    .selectFrom("member")
    .innerJoin("organization", "organization.id", "member.organizationId")
    .select(["member.organizationId", "member.role", "organization.name"])
    .where("member.userId", "=", session.user.id)
    .orderBy("organization.name")
    .execute();
  return {
    id: session.user.id,
    email: session.user.email,
    name: session.user.name,
    stores: rows.map((row) => ({ organizationId: row.organizationId, name: row.name, manages: scopesOfRole(row.role).has("admin") })),
  };
}
