import type { Request } from "express";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";
import type { Kysely } from "kysely";
import type { HttpProblem } from "../../generated/routes.js";
import { bearerJwtOf } from "../agents/principal/agent-request.js";
import type { Principal } from "../auth/principal.js";
import type { Database } from "../db/schema.js";
import { httpProblem } from "../http/problem-titles.js";
import { connectionAgentOf } from "./mcp-connections.js";
import { protectedResourceMetadataUrl } from "./oauth-metadata.js";

/** What this module needs of Better Auth: the JWT plugin's public keys, typed by shape. */
export interface JwksSource {
  readonly api: { getJwks(): Promise<JSONWebKeySet> };
}

/** What turns a connection's agent into a principal (the AgentResolver: cached facts, NOTIFY-invalidated). */
export interface AgentPrincipals {
  principalOfAgent(agentId: string): Promise<Principal>;
}

export interface McpAuthenticatorOptions {
  /** Better Auth's base URL: the `iss` of its access tokens. */
  readonly issuer: string;
  /** `<publicOrigin>/mcp`: the only audience accepted (RFC 8707; tokens for any other resource are refused). */
  readonly resource: string;
  /** The scope every token must carry. */
  readonly scope: string;
}

/** How often the key set may be re-read when a token names a key not seen yet (a rotation). */
const JWKS_REFRESH_MS = 30_000;

/**
 * The MCP principal source: `Authorization: Bearer <access token>` from the
 * OAuth provider, verified here (EdDSA signature with the provider's
 * published keys, issuer, audience = the MCP resource, expiry, scope), then
 * the connection the merchant's consent made for that client (`azp`) and
 * user (`sub`): its agent's principal, so grants, limits, scope and tenant
 * apply exactly as to any agent. No token is passed on to anything else.
 * Refusals are 401 with the RFC 9728 challenge (where to find the
 * authorization server), or the agent's own refusal (403 revoked, ...).
 */
export class McpAuthenticator {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private keysReadAt = 0;

  constructor(
    private readonly auth: JwksSource,
    private readonly db: Kysely<Database>,
    private readonly agents: AgentPrincipals,
    private readonly options: McpAuthenticatorOptions,
  ) {}

  async authenticate(req: Request): Promise<Principal> {
    const token = bearerJwtOf(req);
    if (!token) throw httpProblem(401, "unauthenticated", "Connect with OAuth: this endpoint takes a Bearer access token for it.");
    const payload = await this.verify(token);
    const agentId = await connectionAgentOf(this.db, String(payload.azp), String(payload.sub));
    if (!agentId) {
      throw httpProblem(401, "agent_revoked", "This connection was revoked or replaced: authorize again to get the merchant's approval.");
    }
    return { ...(await this.agents.principalOfAgent(agentId)), via: "mcp" };
  }

  /** The WWW-Authenticate value of a refusal: where the protected resource's metadata is (RFC 9728 §5.1), and why (RFC 6750 §3). */
  challenge(problem: HttpProblem, tokenGiven: boolean): string {
    const parts = [`resource_metadata="${protectedResourceMetadataUrl(this.options.resource)}"`, `scope="${this.options.scope}"`];
    if (tokenGiven && problem.status === 401) parts.push('error="invalid_token"');
    if (problem.status === 403) parts.push('error="insufficient_scope"');
    return `Bearer ${parts.join(", ")}`;
  }

  private async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, await this.keySet(false), this.verifyOptions()).catch(async (error: unknown) => {
        // A key published after the last read (rotation): read once more, at most every JWKS_REFRESH_MS.
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        return jwtVerify(token, await this.keySet(true), this.verifyOptions());
      });
      if (typeof payload.sub !== "string" || typeof payload.azp !== "string") throw new Error("no user or client");
      const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
      if (!scopes.includes(this.options.scope)) throw new Error("scope missing");
      return payload;
    } catch {
      throw httpProblem(401, "invalid_jwt", "The access token is invalid, expired, or not for this MCP endpoint.");
    }
  }

  private verifyOptions() {
    return { issuer: this.options.issuer, audience: this.options.resource, algorithms: ["EdDSA"], requiredClaims: ["exp", "sub"] };
  }

  private async keySet(refresh: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    const stale = refresh && Date.now() - this.keysReadAt > JWKS_REFRESH_MS;
    if (!this.keys || stale) {
      this.keys = createLocalJWKSet(await this.auth.api.getJwks());
      this.keysReadAt = Date.now();
    }
    return this.keys;
  }
}
