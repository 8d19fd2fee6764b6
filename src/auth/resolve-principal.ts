import type { Request, Response } from "express";
import type { Kysely } from "kysely";
import { capabilities, isCapabilityName } from "../../generated/capabilities.js";
import { HttpProblem, type OperationMeta } from "../../generated/routes.js";
import type { Database } from "../db/schema.js";
import { tenantOf } from "../db/tenant.js";
import type { AppContext } from "../http/app-context.js";
import { ApiKeyResolver } from "./api-key-principal.js";
import type { Auth } from "./create-auth.js";
import type { Principal, Scope } from "./principal.js";
import { resolveSession } from "./session-principal.js";

/** How a caller can authenticate, for 401 responses (RFC 9110 §11.6.1). */
const WWW_AUTHENTICATE = 'ApiKey header="x-api-key", Bearer realm="commerce"';

/**
 * The router's context factory: finds who is calling (x-api-key, else the
 * session cookie), refuses unauthenticated callers (401) and callers without
 * the operation's scope (403, naming the scope), and hands the handler its
 * tenant. Runs before request validation.
 */
export function createContextFactory(auth: Auth, db: Kysely<Database>, apiKeys: ApiKeyResolver) {
  return async (req: Request, res: Response, operation: OperationMeta): Promise<AppContext> => {
    const principal = await authenticate(apiKeys, auth, db, req);
    const scope = requiredScope(operation);
    if (!principal.scopes.has(scope)) {
      throw new HttpProblem(403, "insufficient_scope", "Insufficient scope", `${operation.operationId} needs the "${scope}" scope.`);
    }
    return { principal, tenant: tenantOf(principal.organizationId), requestId: String(res.locals.requestId ?? "") };
  };
}

async function authenticate(apiKeys: ApiKeyResolver, auth: Auth, db: Kysely<Database>, req: Request): Promise<Principal> {
  const apiKey = req.get("x-api-key");
  if (apiKey !== undefined) {
    const principal = await apiKeys.resolve(apiKey);
    if (!principal) throw unauthorized("invalid_api_key", "The API key is unknown, disabled, expired, or no longer valid for its store.");
    return principal;
  }
  const principal = await resolveSession(auth, db, req.headers);
  if (!principal) throw unauthorized("unauthenticated", "Send an API key in x-api-key, an agent JWT as a Bearer token, or a session cookie.");
  return principal;
}

function requiredScope(operation: OperationMeta): Scope {
  if (!isCapabilityName(operation.operationId)) return "admin";
  return capabilities[operation.operationId].scope;
}

function unauthorized(code: string, detail: string): HttpProblem {
  return new HttpProblem(401, code, "Unauthorized", detail, undefined, { "WWW-Authenticate": WWW_AUTHENTICATE });
}
