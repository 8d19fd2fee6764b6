import type { Request, Response } from "express";
import type { OperationMeta } from "../../generated/routes.js";
import { tenantOf } from "../db/tenant.js";
import type { AppContext } from "../handlers/app-context.js";
import { assertMayCall } from "./operation-access.js";
import type { Principal } from "./principal.js";
import type { PrincipalSource } from "./sources/principal-source.js";
import { noCredentials } from "./sources/unauthorized.js";

export interface PrincipalResolution {
  /** Asked in order; the first whose credential the request carries decides (see app/principal-sources.ts). */
  readonly sources: readonly PrincipalSource[];
  /** Origin agents and integrators reach the API at (API_PUBLIC_URL), for the 401's challenge. */
  readonly publicOrigin: string;
  /** Better Auth's base URL: a refusal for a missing grant names where to ask for it. */
  readonly authBaseUrl: string;
}

/**
 * The router's context factory: finds who is calling (see authenticate),
 * refuses callers without the operation's scope (403, naming the scope) and
 * agents without the operation's own capability (403, naming it), and hands
 * the handler its tenant. Runs before request validation.
 */
export function createContextFactory({ sources, publicOrigin, authBaseUrl }: PrincipalResolution) {
  return async (req: Request, res: Response, operation: OperationMeta): Promise<AppContext> => {
    const principal = await authenticate(sources, req, publicOrigin);
    assertMayCall(principal, operation.operationId, authBaseUrl);
    return { principal, tenant: tenantOf(principal.organizationId), requestId: String(res.locals.requestId ?? "") };
  };
}

/**
 * The caller, from the first source whose credential the request carries; a
 * credential that does not hold up is that source's refusal, not a reason to
 * try the next. No credential at all: 401 `unauthenticated`, with a challenge.
 */
export async function authenticate(sources: readonly PrincipalSource[], req: Request, publicOrigin: string): Promise<Principal> {
  const source = sources.find((candidate) => candidate.matches(req));
  if (!source) throw noCredentials(publicOrigin);
  return source.resolve(req);
}
