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
  const contextOf = (principal: Principal, res: Response, operation: OperationMeta): AppContext => {
    assertMayCall(principal, operation.operationId, authBaseUrl);
    return { principal, tenant: tenantOf(principal.organizationId), requestId: String(res.locals.requestId ?? "") };
  };
  // A principal a source has at hand (a cached API key) is checked at once, with no promise in between.
  return (req: Request, res: Response, operation: OperationMeta): AppContext | Promise<AppContext> => {
    const principal = authenticate(sources, req, publicOrigin);
    return principal instanceof Promise
      ? principal.then((resolved) => contextOf(resolved, res, operation))
      : contextOf(principal, res, operation);
  };
}

/**
 * The caller, from the first source whose credential the request carries; a
 * credential that does not hold up is that source's refusal, not a reason to
 * try the next. No credential at all: 401 `unauthenticated`, with a challenge.
 */
export function authenticate(sources: readonly PrincipalSource[], req: Request, publicOrigin: string): Principal | Promise<Principal> {
  const source = sources.find((candidate) => candidate.matches(req));
  if (!source) throw noCredentials(publicOrigin);
  return source.resolve(req);
}
