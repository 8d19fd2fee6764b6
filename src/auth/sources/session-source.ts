import type { Request } from "express";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Auth } from "../create-auth.js";
import type { Principal } from "../principal.js";
import { resolveSession } from "../session-principal.js";
import type { PrincipalSource } from "./principal-source.js";
import { noCredentials } from "./unauthorized.js";

/**
 * A signed-in member's session cookie (see session-principal.ts). Better
 * Auth reads sessions from cookies only, so a request without any has none.
 */
export class SessionSource implements PrincipalSource {
  readonly name = "session";

  constructor(
    private readonly auth: Auth,
    private readonly db: Kysely<Database>,
    /** API_PUBLIC_URL's origin, for the 401's challenge. */
    private readonly publicOrigin: string,
  ) {}

  matches(req: Request): boolean {
    return req.headers.cookie !== undefined;
  }

  async resolve(req: Request): Promise<Principal> {
    const principal = await resolveSession(this.auth, this.db, req.headers);
    // No session, or one whose user is no longer a member: as if no credential was sent.
    if (!principal) throw noCredentials(this.publicOrigin);
    return principal;
  }
}
