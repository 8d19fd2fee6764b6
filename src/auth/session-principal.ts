import type { IncomingHttpHeaders } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { Kysely } from "kysely";
import { fallbackUnlessDatabaseDown } from "../db/connection-errors.js";
import type { Database } from "../db/schema.js";
import { httpProblem } from "../http/problem-titles.js";
import type { Auth } from "./create-auth.js";
import { membershipScopes } from "./membership.js";
import type { Principal } from "./principal.js";

/**
 * Resolves a signed-in member's session cookie: the tenant is the session's
 * active organization (Better Auth's organization plugin), the scopes follow
 * the member's role. The cookie cache is bypassed: `organization/create` and
 * `set-active` change the session row without a new cookie.
 */
export async function resolveSession(auth: Auth, db: Kysely<Database>, headers: IncomingHttpHeaders): Promise<Principal | null> {
  const session = await auth.api
    .getSession({ headers: fromNodeHeaders(headers), query: { disableCookieCache: true } })
    .catch(fallbackUnlessDatabaseDown(null));
  if (!session) return null;
  const organizationId = (session.session as { activeOrganizationId?: string | null }).activeOrganizationId;
  if (!organizationId) {
    throw httpProblem(
      403,
      "no_active_organization",
      "Choose the store to act for: POST /api/auth/organization/set-active with its organizationId.",
    );
  }
  const scopes = await membershipScopes(db, organizationId, session.user.id);
  if (scopes.size === 0) return null;
  // Every session of a member is the same caller: their orders follow them across devices.
  return { kind: "session", organizationId, userId: session.user.id, credentialId: session.user.id, scopes };
}
