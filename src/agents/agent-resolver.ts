import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey, type JWTPayload } from "jose";
import type { Kysely } from "kysely";
import { HttpProblem, type ProblemCode } from "../../generated/routes.js";
import type { ChangeFeed } from "../auth/api-key-principal.js";
import type { Principal } from "../auth/principal.js";
import type { Database } from "../db/schema.js";
import { accessFields, principalOfAgentSession } from "./agent-principal.js";
import { loadAgentState, type AgentState } from "./agent-state.js";
import { discoveryChallenge } from "./discovery-challenge.js";
import { JtiCache } from "./jti-cache.js";

/** The plugin's defaults, which this fast path must agree with. */
const JWT_MAX_AGE_SECONDS = 60;
const SESSION_TTL_MS = 3_600_000;
const MAX_LIFETIME_MS = 86_400_000;
/** The plugin slides an agent's session on every request; we do it at most this often per agent. */
const HEARTBEAT_EVERY_MS = 60_000;
/** Agents remembered at most (oldest dropped first); a dropped one is simply reloaded. */
const MAX_CACHED_AGENTS = 10_000;

export interface AgentResolverOptions {
  /** API_PUBLIC_URL's origin: `<origin>/v1` is the audience of tokens meant for this API. */
  readonly publicOrigin: string;
}

interface CachedAgent {
  readonly state: AgentState;
  /** Null when the agent has no usable key (a revoked agent's key is erased): refused by state first. */
  readonly key: CryptoKey | null;
  /** Tenant, user and scopes as of loading (null for an agent that may not act); grants are filtered per request (they expire). */
  readonly principal: Principal | null;
}

/** The request facts a token may be bound to (`htm`, `htu`). */
export interface RequestFacts {
  readonly method: string;
  /** Origin and path, no query. */
  readonly url: string;
  /** Origins the request may claim besides API_PUBLIC_URL's (a trusted proxy's view). */
  readonly extraOrigins?: readonly string[];
}

/**
 * Agent JWTs addressed to this API (`aud` = `<API_PUBLIC_URL origin>/v1`, as
 * the SDK signs them), verified without the plugin's per-request SQL: the
 * plugin reads the agent, its host, user and grants and updates the agent
 * row on every request (7 transactions per call, measured). Here the same
 * facts are cached per agent and reused while the auth-change feed is up:
 * database triggers NOTIFY on every change to agents, grants, hosts and
 * memberships, and the plugin's own mutating endpoints signal this process
 * synchronously, so a revoke counts on the very next request. Without a
 * healthy feed each request reloads the facts (two statements).
 *
 * Each token is still checked in full: EdDSA signature with the agent's
 * registered key, `typ: agent+jwt`, audience, age ≤ 60 s, single-use `jti`,
 * `iss` = the agent's host when given, `htm`/`htu` when given. Tokens with
 * any other audience go to the plugin (see resolve-principal.ts): the plugin
 * never accepts this audience, so a token can be used on one side only and a
 * replay cache per side suffices.
 */
export class AgentResolver {
  private readonly cached = new Map<string, CachedAgent>();
  private readonly heartbeats = new Map<string, number>();
  private readonly jtis = new JtiCache();
  private changes: ChangeFeed | undefined;
  private generation = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: AgentResolverOptions,
  ) {}

  useChangeFeed(feed: ChangeFeed): void {
    this.changes = feed;
  }

  invalidateAll(): void {
    this.generation += 1;
    this.cached.clear();
  }

  /** The audiences of tokens for this fast path. */
  audiences(extraOrigins: readonly string[] = []): string[] {
    return [this.options.publicOrigin, ...extraOrigins].map((origin) => `${origin}/v1`);
  }

  /** Whether a Bearer token is addressed to this API (else the plugin verifies it). */
  handles(token: string, extraOrigins: readonly string[] = []): boolean {
    try {
      const audience = decodeJwt(token).aud;
      const wanted = this.audiences(extraOrigins);
      return (Array.isArray(audience) ? audience : [audience]).some((value) => typeof value === "string" && wanted.includes(value));
    } catch {
      return false;
    }
  }

  async resolve(token: string, request: RequestFacts): Promise<Principal> {
    try {
      return await this.verify(token, request);
    } catch (error) {
      // Every 401 tells the agent where to (re)connect.
      if (error instanceof HttpProblem && error.status === 401 && !error.headers["WWW-Authenticate"]) {
        throw new HttpProblem(401, error.code, error.title, error.detail, undefined, discoveryChallenge(this.options.publicOrigin));
      }
      throw error;
    }
  }

  private async verify(token: string, request: RequestFacts): Promise<Principal> {
    const agentId = subjectOf(token);
    let entry = await this.entryFor(agentId, false);
    let refusal = stateRefusal(entry.state);
    // A refusal from cached facts is rechecked fresh: the plugin may have reactivated or slid the agent since.
    if (refusal) {
      entry = await this.entryFor(agentId, true);
      refusal = stateRefusal(entry.state);
      if (refusal) throw refusal;
    }
    const payload = await verifyToken(token, entry, this.audiences(request.extraOrigins));
    assertBinding(payload, request);
    if (!payload.jti || !this.jtis.claim(`${agentId}:${payload.jti}`, ((payload.iat ?? 0) + JWT_MAX_AGE_SECONDS + 30) * 1000)) {
      throw unauthorized(payload.jti ? "jti_replay" : "invalid_jwt", payload.jti ? "JWT has already been used" : "JWT has no jti");
    }
    this.heartbeat(entry.state);
    // Not refused by its state, so its principal was built at loading.
    return { ...entry.principal!, ...accessFields(activeGrants(entry.state, payload)) };
  }

  private async entryFor(agentId: string, fresh: boolean): Promise<CachedAgent> {
    const known = this.cached.get(agentId);
    if (known && !fresh && this.changes?.healthy) return known;
    const generation = this.generation;
    const state = await loadAgentState(this.db, agentId);
    if (!state) throw unauthorized("agent_not_found", "Agent not found");
    const key = state.publicJwk?.crv === "Ed25519" ? ((await importJWK(state.publicJwk, "EdDSA").catch(() => null)) as CryptoKey | null) : null;
    const principal = stateRefusal(state) ? null : await principalOfAgentSession(this.db, { agentId, userId: state.userId, agent: { metadata: state.metadata, capabilityGrants: [] } });
    const entry: CachedAgent = { state, key, principal };
    if (generation === this.generation && this.changes?.healthy) this.remember(agentId, entry);
    return entry;
  }

  private remember(agentId: string, entry: CachedAgent): void {
    if (this.cached.size >= MAX_CACHED_AGENTS) {
      const oldest = this.cached.keys().next().value;
      if (oldest !== undefined) this.cached.delete(oldest);
    }
    this.cached.set(agentId, entry);
  }

  /** Slides the agent's session like the plugin does per request, at most once a minute, in the background. */
  private heartbeat(state: AgentState): void {
    const now = Date.now();
    if (now - (this.heartbeats.get(state.agentId) ?? 0) < HEARTBEAT_EVERY_MS) return;
    // Forgetting heartbeat times only costs an early heartbeat each.
    if (this.heartbeats.size >= MAX_CACHED_AGENTS) this.heartbeats.clear();
    this.heartbeats.set(state.agentId, now);
    const anchor = (state.activatedAt ?? state.createdAt).getTime();
    const expiresAt = new Date(Math.min(now + SESSION_TTL_MS, anchor + MAX_LIFETIME_MS));
    void this.db
      .updateTable("agent")
      .set({ lastUsedAt: new Date(now), expiresAt })
      .where("id", "=", state.agentId)
      .where("status", "=", "active")
      .execute()
      .catch(() => this.heartbeats.delete(state.agentId));
  }
}

function subjectOf(token: string): string {
  try {
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    if (header.typ === "agent+jwt" && header.alg === "EdDSA" && typeof payload.sub === "string" && payload.sub.length > 0) return payload.sub;
  } catch {
    // fall through: malformed
  }
  throw new HttpProblem(401, "invalid_jwt", "Unauthorized", "Not an agent JWT (typ agent+jwt, EdDSA, sub = agent id).");
}

/** The refusal code of an agent state that may not act (the plugin's codes). */
const AGENT_STATE_CODES: Readonly<Record<string, ProblemCode>> = { pending: "agent_pending", revoked: "agent_revoked", rejected: "agent_rejected", claimed: "agent_claimed" };

/** Why the agent may not act now (from its facts), or null. */
function stateRefusal(state: AgentState): HttpProblem | null {
  if (state.hostStatus === "revoked") return forbidden("host_revoked", "The agent's host has been revoked.");
  if (state.status !== "active") {
    const code = AGENT_STATE_CODES[state.status] ?? "agent_not_active";
    if (state.status === "expired") return new HttpProblem(401, "agent_expired", "Agent session expired", EXPIRED_DETAIL);
    return forbidden(code, `The agent is ${state.status}.`);
  }
  const now = Date.now();
  const anchor = (state.activatedAt ?? state.createdAt).getTime();
  if ((state.expiresAt && state.expiresAt.getTime() <= now) || anchor + MAX_LIFETIME_MS <= now) {
    return new HttpProblem(401, "agent_expired", "Agent session expired", EXPIRED_DETAIL);
  }
  return null;
}

const EXPIRED_DETAIL =
  "The agent's session lapsed. Any Agent Auth call (e.g. GET /api/auth/agent/status with an issuer-audience JWT) reactivates it; the SDK does this by itself.";

async function verifyToken(token: string, entry: CachedAgent, audiences: string[]): Promise<JWTPayload> {
  if (!entry.key) throw new HttpProblem(401, "invalid_public_key", "Unauthorized", "The agent has no usable Ed25519 key.");
  try {
    const { payload } = await jwtVerify(token, entry.key, { algorithms: ["EdDSA"], typ: "agent+jwt", audience: audiences, maxTokenAge: JWT_MAX_AGE_SECONDS });
    if (payload.iss !== undefined && payload.iss !== entry.state.hostId) throw new Error("iss is not the agent's host");
    // One token, one audience: a token also naming the issuer could be spent again on the plugin's side.
    if (Array.isArray(payload.aud) && payload.aud.length > 1) throw new Error("several audiences");
    return payload;
  } catch {
    throw new HttpProblem(401, "invalid_jwt", "Unauthorized", "JWT is invalid, expired, or signature failed.");
  }
}

/** Optional request binding (`htm`, `htu`); a body hash (`ath`) cannot be checked before the body is read, so it is refused here. */
function assertBinding(payload: JWTPayload, request: RequestFacts): void {
  if (payload.ath !== undefined) throw new HttpProblem(401, "request_binding_unsupported", "Unauthorized", "Tokens bound to a body hash (ath) are not accepted on /v1.");
  if (payload.htm !== undefined && String(payload.htm).toUpperCase() !== request.method.toUpperCase()) throw bindingMismatch();
  if (payload.htu !== undefined && String(payload.htu) !== request.url) throw bindingMismatch();
}

function bindingMismatch(): HttpProblem {
  return new HttpProblem(401, "request_binding_mismatch", "Unauthorized", "Request binding does not match the JWT.");
}

/** Active, unexpired grants, narrowed to the token's `capabilities` claim when it has one. */
function activeGrants(state: AgentState, payload: JWTPayload): AgentState["grants"] {
  const now = Date.now();
  const claimed = Array.isArray(payload.capabilities) ? new Set(payload.capabilities.map(String)) : undefined;
  return state.grants.filter((grant) => grant.status === "active" && (!grant.expiresAt || grant.expiresAt.getTime() > now) && (!claimed || claimed.has(grant.capability)));
}

function forbidden(code: ProblemCode, detail: string): HttpProblem {
  return new HttpProblem(403, code, "Forbidden", detail);
}

function unauthorized(code: ProblemCode, detail: string): HttpProblem {
  return new HttpProblem(401, code, "Unauthorized", detail);
}
