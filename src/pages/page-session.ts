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
  /**
   * The store the console works in (header, API keys): the session's active
   * organization (Better Auth's, set by the store switcher) while the user is
   * still a member of it, else their first store; null without any store.
   */
  readonly activeStore: StoreMembership | null;
}

/** Who each page request turned out to be, for the layout's header (read by `knownPageUser`). */
const usersOfRequests = new WeakMap<Request, PageUser | null>();

/**
 * The signed-in user of a page request (Better Auth session cookie) with their stores; null when signed out.
 * Read once per request: the session and memberships come from the request's cookie, which a handler cannot change.
 */
export async function pageUser(auth: Auth, db: Kysely<Database>, req: Request): Promise<PageUser | null> {
  const known = usersOfRequests.get(req);
  if (known !== undefined) return known;
  const session = await auth.api
    .getSession({ headers: fromNodeHeaders(req.headers), query: { disableCookieCache: true } })
    .catch(fallbackUnlessDatabaseDown(null));
  if (!session) {
    usersOfRequests.set(req, null);
    return null;
  }
  const rows = await db
    .selectFrom("member")
    .innerJoin("organization", "organization.id", "member.organizationId")
    .select(["member.organizationId", "member.role", "organization.name"])
    .where("member.userId", "=", session.user.id)
    .orderBy("organization.name")
    .execute();
  const stores = rows.map((row) => ({ organizationId: row.organizationId, name: row.name, manages: scopesOfRole(row.role).has("admin") }));
  const activeId = (session.session as { activeOrganizationId?: unknown }).activeOrganizationId;
  const user: PageUser = {
    id: session.user.id,
    email: session.user.email,
    name: session.user.name,
    stores,
    activeStore: stores.find((store) => store.organizationId === activeId) ?? stores[0] ?? null,
  };
  usersOfRequests.set(req, user);
  return user;
}

/** The user `pageUser` found for this request: undefined when it was not asked (the layout then shows no account). */
export function knownPageUser(req: Request): PageUser | null | undefined {
  return usersOfRequests.get(req);
}
