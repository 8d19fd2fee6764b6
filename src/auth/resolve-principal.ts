import type { Request, Response } from "express";
import type { Kysely } from "kysely";
import { HttpProblem, type OperationMeta, type ProblemCode } from "../../generated/routes.js";
import { resolveAgentPrincipal } from "../agents/agent-principal.js";
import { agentRequestFacts, bearerJwtOf } from "../agents/agent-request.js";
import type { AgentResolver } from "../agents/agent-resolver.js";
import { resolveProxiedAgent } from "../agents/proxied-agent.js";
import { PROXIED_AGENT_HEADER } from "../agents/proxy-call.js";
import type { Database } from "../db/schema.js";
import { tenantOf } from "../db/tenant.js";
import type { AppContext } from "../http/app-context.js";
import { ApiKeyResolver } from "./api-key-principal.js";
import { assertMayCall } from "./operation-access.js";
import type { Auth } from "./create-auth.js";
import type { Principal } from "./principal.js";
import { resolveSession } from "./session-principal.js";
import { timingSafeEqual } from "node:crypto";
import { decodeJwt } from "jose";
import { httpProblem } from "../http/problem-titles.js";

/** How a caller can authenticate, for 401 responses (RFC 9110 §11.6.1). */
function wwwAuthenticate(publicOrigin: string): string {
  return `ApiKey header="x-api-key", AgentAuth discovery="${publicOrigin}/.well-known/agent-configuration"`;
}

export interface PrincipalSources {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  readonly apiKeys: ApiKeyResolver;
  readonly agents: AgentResolver;
  /** Whether X-Forwarded-* is believed (TRUST_PROXY): then tokens may name the proxy's origin. */
  readonly trustProxy: boolean;
  /** Origin agents and integrators reach the API at (API_PUBLIC_URL), for discovery links in challenges. */
  readonly publicOrigin: string;
  /** AGENT_PROXY_API_KEY: the only key whose caller may name an agent in x-agent-id; unset: no key may. */
  readonly proxyApiKey?: string;
}

/**
 * The router's context factory: finds who is calling (x-api-key, else an
 * agent JWT, else the session cookie), refuses unauthenticated callers (401),
 * callers without the operation's scope (403, naming the scope) and agents
 * without the operation's own capability (403, naming it), and hands the
 * handler its tenant. Runs before request validation.
 */
export function createContextFactory(sources: PrincipalSources) {
  return async (req: Request, res: Response, operation: OperationMeta): Promise<AppContext> => {
    const principal = await authenticate(sources, req);
    assertMayCall(principal, operation.operationId, String(sources.auth.options.baseURL));
    return { principal, tenant: tenantOf(principal.organizationId), requestId: String(res.locals.requestId ?? "") };
  };
}

async function authenticate({ auth, db, apiKeys, agents, trustProxy, publicOrigin, proxyApiKey }: PrincipalSources, req: Request): Promise<Principal> {
  const apiKey = req.get("x-api-key");
  if (apiKey !== undefined) {
    const principal = await apiKeys.resolve(apiKey);
    if (!principal) throw unauthorized(publicOrigin, "invalid_api_key", "The API key is unknown, disabled, expired, or no longer valid for its store.");
    const proxiedAgent = req.get(PROXIED_AGENT_HEADER);
    if (proxiedAgent === undefined) return principal;
    // Any member's key naming an agent would borrow that agent's grants: only the configured proxy key vouches for agents.
    if (!isProxyKey(apiKey, proxyApiKey)) {
      throw httpProblem(403, "proxy_key_required", `Only the key configured as AGENT_PROXY_API_KEY may send ${PROXIED_AGENT_HEADER}.`);
    }
    return resolveProxiedAgent(db, principal, proxiedAgent);
  }
  const token = bearerJwtOf(req);
  if (token) {
    const facts = agentRequestFacts(req, publicOrigin, trustProxy);
    // The API's and the protocol's audiences take the cached fast path (binding checked against this /v1 URL);
    // the plugin verifies the rest: lapsed agents it revives, and audiences it refuses with a hint below.
    if (await agents.takes(token, facts)) return agents.resolve(token, facts);
    try {
      return await resolveAgentPrincipal(auth, db, req.headers, publicOrigin);
    } catch (error) {
      throw explainAudience(error, token, agents.audiences(facts.extraOrigins), String(auth.options.baseURL));
    }
  }
  const principal = await resolveSession(auth, db, req.headers);
  if (!principal) throw unauthorized(publicOrigin, "unauthenticated", "Send an API key in x-api-key, an agent JWT as a Bearer token, or a session cookie.");
  return principal;
}

/**
 * The plugin answers a token for an audience it does not accept with a bare
 * 401 `invalid_jwt`: an agent whose base URL differs from the configured one
 * (127.0.0.1 vs localhost) is approved and then fails every call without a
 * clue. When the token's `aud` is neither ours (`<API origin>/v1`) nor on the
 * issuer (what the plugin accepts), the 401 names what is expected.
 */
function explainAudience(error: unknown, token: string, apiAudiences: readonly string[], issuer: string): unknown {
  if (!(error instanceof HttpProblem) || error.status !== 401 || error.code !== "invalid_jwt") return error;
  let audience: unknown;
  try {
    audience = decodeJwt(token).aud;
  } catch {
    return error;
  }
  if (typeof audience !== "string") return error;
  const issuerOrigin = new URL(issuer).origin;
  if (apiAudiences.includes(audience) || audience === issuerOrigin || audience === `${issuerOrigin}/` || audience === issuer || audience.startsWith(`${issuer}/`)) return error;
  return httpProblem(
    401,
    "invalid_jwt",
    `This token's aud "${audience}" is not accepted here: expected aud "${apiAudiences[0]}" (or the issuer "${issuer}"). Use the base URL the discovery document names.`,
    undefined,
    error.headers,
  );
}

function unauthorized(publicOrigin: string, code: ProblemCode, detail: string): HttpProblem {
  return httpProblem(401, code, detail, undefined, { "WWW-Authenticate": wwwAuthenticate(publicOrigin) });
}

function isProxyKey(apiKey: string, proxyApiKey: string | undefined): boolean {
  if (!proxyApiKey) return false;
  const given = Buffer.from(apiKey);
  const wanted = Buffer.from(proxyApiKey);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
