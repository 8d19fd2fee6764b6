import type { Request } from "express";
import { decodeJwt } from "jose";
import type { Kysely } from "kysely";
import { HttpProblem } from "../../../generated/routes.js";
import { type AgentSessionReader, resolveAgentPrincipal } from "../../agents/principal/agent-principal.js";
import { agentRequestFacts, bearerJwtOf } from "../../agents/principal/agent-request.js";
import type { AgentResolver } from "../../agents/principal/agent-resolver.js";
import type { Origins } from "../../config/origins.js";
import type { Database } from "../../db/schema.js";
import { httpProblem } from "../../http/problem-titles.js";
import type { Principal } from "../principal.js";
import type { PrincipalSource } from "./principal-source.js";

export interface AgentJwtSourceOptions {
  /** Better Auth, for tokens the plugin verifies (see resolve). */
  readonly auth: AgentSessionReader;
  readonly db: Kysely<Database>;
  /** The cached fast verifier, shared with capability/execute. */
  readonly agents: AgentResolver;
  readonly origins: Pick<Origins, "publicOrigin" | "authBaseUrl">;
  /** Whether X-Forwarded-* is believed (TRUST_PROXY): then tokens may name the proxy's origin. */
  readonly trustProxy: boolean;
}

/** `Authorization: Bearer <agent JWT>`: an agent acting for the merchant who approved it. */
export class AgentJwtSource implements PrincipalSource {
  readonly name = "agent-jwt";

  constructor(private readonly options: AgentJwtSourceOptions) {}

  matches(req: Request): boolean {
    return bearerJwtOf(req) !== undefined;
  }

  async resolve(req: Request): Promise<Principal> {
    const { auth, db, agents, origins, trustProxy } = this.options;
    const token = bearerJwtOf(req) ?? "";
    const facts = agentRequestFacts(req, origins.publicOrigin, trustProxy);
    // The API's and the protocol's audiences take the cached fast path (binding checked against this /v1 URL);
    // the plugin verifies the rest: lapsed agents it revives, and audiences it refuses with a hint below.
    if (await agents.takes(token, facts)) return agents.resolve(token, facts);
    try {
      return await resolveAgentPrincipal(auth, db, req.headers, origins.publicOrigin);
    } catch (error) {
      throw explainAudience(error, token, agents.audiences(facts.extraOrigins), origins.authBaseUrl);
    }
  }
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
  if (
    apiAudiences.includes(audience) ||
    audience === issuerOrigin ||
    audience === `${issuerOrigin}/` ||
    audience === issuer ||
    audience.startsWith(`${issuer}/`)
  )
    return error;
  return httpProblem(
    401,
    "invalid_jwt",
    `This token's aud "${audience}" is not accepted here: expected aud "${apiAudiences[0]}" (or the issuer "${issuer}"). Use the base URL the discovery document names.`,
    undefined,
    error.headers,
  );
}
