import { type CryptoKey, decodeJwt, decodeProtectedHeader, importJWK, type JWTPayload, jwtVerify } from "jose";
import type { Kysely } from "kysely";
import { HttpProblem, type ProblemCode } from "../../../generated/routes.js";
import type { ChangeFeed } from "../../auth/api-key-principal.js";
import type { Principal } from "../../auth/principal.js";
import type { Database } from "../../db/schema.js";
import { httpProblem } from "../../http/problem-titles.js";
import { discoveryChallenge } from "../discovery/discovery-challenge.js";
import { grantFromHostDefaults, mayGrantFromHostDefaults } from "../execute/host-default-grant.js";
import { accessFields, principalOfAgentSession } from "./agent-principal.js";
import { type AgentState, loadAgentState } from "./agent-state.js";
import type { ReplayStore } from "./replay-store.js";
import { assertRequestBinding, type RequestFacts } from "./request-binding.js";
import { acceptedAudience, apiAudiences, protocolAudiences } from "./token-audiences.js";

export type { RequestFacts } from "./request-binding.js";

/** The plugin's defaults, which this fast path must agree with. */
const JWT_MAX_AGE_SECONDS = 60;
/** The plugin's clock skew tolerance, added to how long an id is remembered. */
const CLOCK_SKEW_SECONDS = 30;
const SESSION_TTL_MS = 3_600_000;
const MAX_LIFETIME_MS = 86_400_000;
/** The plugin slides an agent's session on every request; we do it at most this often per agent. */
const HEARTBEAT_EVERY_MS = 60_000;
/** Agents remembered at most (oldest dropped first); a dropped one is simply reloaded. */
const MAX_CACHED_AGENTS = 10_000;

export interface AgentResolverOptions {
  /** API_PUBLIC_URL's origin: `<origin>/v1` is the audience of tokens meant for this API. */
  readonly publicOrigin: string;
  /** Better Auth's base URL (the issuer, `<origin>/api/auth`): the protocol audiences derive from it. */
  readonly authBaseUrl: string;
  /** The process's one replay store, which the plugin and the host JWT guard use too (see replay-store.ts). */
  readonly jtis: ReplayStore;
}

interface CachedAgent {
  readonly state: AgentState;
  /** Null when the agent has no usable key (a revoked agent's key is erased): refused by state first. */
  readonly key: CryptoKey | null;
  /** Tenant, user and scopes as of loading (null for an agent that may not act); grants are filtered per request (they expire). */
  readonly principal: Principal | null;
}

/** What the caller is about to do, when it matters to verification. */
export interface ResolveOptions {
  /**
   * `capability/execute` of this capability: like the plugin, grant it on
   * the spot from the host's defaults when the agent does not hold it yet.
   */
  readonly executing?: string;
}

/**
 * Agent JWTs verified without the plugin's per-request SQL: the plugin reads
 * the agent, its host, user and grants and updates the agent row on every
 * request (7 transactions per call, measured). Here the same facts are
 * cached per agent and reused while the auth-change feed is up: database
 * triggers NOTIFY on every change to agents, grants, hosts and memberships,
 * and the plugin's own mutating endpoints signal this process synchronously,
 * so a revoke counts on the very next request. Without a healthy feed each
 * request reloads the facts (two statements).
 *
 * Taken here, on /v1 and on `capability/execute`: tokens for the API
 * (`<API origin>/v1`, the SDK's) and tokens for the protocol's audiences
 * (issuer, execute URL, origin: what protocol clients sign; see
 * token-audiences.ts). Each token is checked as the plugin checks it: EdDSA
 * signature with the agent's registered key, `typ: agent+jwt`, audience,
 * age ≤ 60 s, single-use `jti` in the cache the plugin uses too (so a token
 * is spent for every verifier of this process), `iss` = the agent's host
 * when given, `htm`/`htu` when given; the agent's and host's state as the
 * plugin refuses them. Two cases stay with the plugin (see `takes`): a
 * protocol-audience token of an agent whose session lapsed (the plugin
 * revives it on the spot) and, on execute, one bound to its body (`ath`).
 */
export class AgentResolver {
  private readonly cached = new Map<string, CachedAgent>();
  private readonly heartbeats = new Map<string, number>();
  private changes: ChangeFeed | undefined;
  private generation = 0;

  /** The audiences without a proxy's extra origins (every request unless TRUST_PROXY reports one), built once. */
  private readonly ownAudiences: string[];
  private readonly ownAccepted: string[];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: AgentResolverOptions,
  ) {
    this.ownAudiences = apiAudiences(options.publicOrigin, []);
    this.ownAccepted = [...this.ownAudiences, ...protocolAudiences(options.authBaseUrl, [])];
  }

  useChangeFeed(feed: ChangeFeed): void {
    this.changes = feed;
  }

  invalidateAll(): void {
    this.generation += 1;
    this.cached.clear();
  }

  /** The audiences of tokens meant for the API itself (what the SDK signs). */
  audiences(extraOrigins: readonly string[] = []): string[] {
    return extraOrigins.length === 0 ? this.ownAudiences : apiAudiences(this.options.publicOrigin, extraOrigins);
  }

  /** Every audience this verifier accepts: the API's and the protocol's. */
  private accepted(extraOrigins: readonly string[] = []): string[] {
    if (extraOrigins.length === 0) return this.ownAccepted;
    return [...this.audiences(extraOrigins), ...protocolAudiences(this.options.authBaseUrl, extraOrigins)];
  }

  /**
   * Whether this verifier answers for the token (else the plugin does):
   * addressed to an audience accepted here, unless it is a protocol-audience
   * token the plugin handles better — its agent's session lapsed (the plugin
   * reactivates it transparently, we would answer 401 agent_expired), or it
   * carries a body hash and `bodyHashToPlugin` is set (execute: the plugin
   * checks `ath`, we do not read the body first).
   */
  async takes(token: string, request: RequestFacts, { bodyHashToPlugin = false } = {}): Promise<boolean> {
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      return false;
    }
    if (acceptedAudience(payload.aud, this.audiences(request.extraOrigins))) return true;
    if (!acceptedAudience(payload.aud, this.accepted(request.extraOrigins))) return false;
    if (bodyHashToPlugin && payload.ath !== undefined) return false;
    if (typeof payload.sub !== "string" || payload.sub.length === 0) return true; // refused by verify
    try {
      // Cached facts suffice: should they be stale, the plugin answers correctly too, only slower.
      return !isLapsed((await this.entryFor(payload.sub, false)).state);
    } catch (error) {
      if (error instanceof HttpProblem) return true; // unknown agent: refused here as the plugin would
      throw error;
    }
  }

  async resolve(token: string, request: RequestFacts, options: ResolveOptions = {}): Promise<Principal> {
    try {
      return await this.verify(token, request, options);
    } catch (error) {
      // Every 401 tells the agent where to (re)connect.
      if (error instanceof HttpProblem && error.status === 401 && !error.headers["WWW-Authenticate"]) {
        throw httpProblem(401, error.code, error.detail, undefined, discoveryChallenge(this.options.publicOrigin));
      }
      throw error;
    }
  }

  private async verify(token: string, request: RequestFacts, { executing }: ResolveOptions): Promise<Principal> {
    const agentId = subjectOf(token);
    const entry = await this.usableEntry(agentId);
    const payload = await verifyToken(token, entry, this.accepted(request.extraOrigins));
    assertRequestBinding(payload, request);
    // The plugin's key and lifetime for the id, in the store it reads too: spent here, spent there.
    // A store that cannot answer throws ReplayStoreUnavailable: 503, the token is not accepted unchecked.
    if (
      !payload.jti ||
      !(await this.options.jtis.claim(`${agentId}:${payload.jti}`, ((payload.iat ?? 0) + JWT_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS) * 1000))
    ) {
      throw unauthorized(payload.jti ? "jti_replay" : "invalid_jwt", payload.jti ? "JWT has already been used" : "JWT has no jti");
    }
    this.heartbeat(entry.state);
    const claimed = claimedCapabilities(payload);
    let grants = activeGrants(entry.state, claimed);
    if (executing && !grants.some((grant) => grant.capability === executing) && mayGrantFromHostDefaults(entry.state, executing, claimed)) {
      const granted = await grantFromHostDefaults(this.db, entry.state, executing);
      if (granted) {
        // The cached facts lack the new grant; the NOTIFY would drop them a moment later.
        this.cached.delete(agentId);
        grants = [...grants, { capability: executing, status: "active", expiresAt: granted.expiresAt, constraints: null }];
      }
    }
    // Not refused by its state, so its principal was built at loading.
    return { ...entry.principal!, ...accessFields(grants) };
  }

  /**
   * The principal of an agent its caller authenticated another way (an MCP
   * client's OAuth token names its connection's agent, see mcp/): refused
   * as its state says, else its active grants, from the facts agent JWTs use.
   */
  async principalOfAgent(agentId: string): Promise<Principal> {
    const entry = await this.usableEntry(agentId);
    // Not refused by its state, so its principal was built at loading.
    return { ...entry.principal!, ...accessFields(activeGrants(entry.state, undefined)) };
  }

  /** The agent's facts when its state lets it act; a refusal from cached facts is rechecked fresh (the plugin may have reactivated or slid it since). */
  private async usableEntry(agentId: string): Promise<CachedAgent> {
    const cached = await this.entryFor(agentId, false);
    if (!stateRefusal(cached.state)) return cached;
    const entry = await this.entryFor(agentId, true);
    const refusal = stateRefusal(entry.state);
    if (refusal) throw refusal;
    return entry;
  }

  private async entryFor(agentId: string, fresh: boolean): Promise<CachedAgent> {
    const known = this.cached.get(agentId);
    if (known && !fresh && this.changes?.healthy) return known;
    const generation = this.generation;
    const state = await loadAgentState(this.db, agentId);
    if (!state) throw unauthorized("agent_not_found", "Agent not found");
    const key =
      state.publicJwk?.crv === "Ed25519" ? ((await importJWK(state.publicJwk, "EdDSA").catch(() => null)) as CryptoKey | null) : null;
    const principal = stateRefusal(state)
      ? null
      : await principalOfAgentSession(this.db, {
          agentId,
          userId: state.userId,
          agent: { metadata: state.metadata, capabilityGrants: [] },
        });
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
    if (header.typ === "agent+jwt" && header.alg === "EdDSA" && typeof payload.sub === "string" && payload.sub.length > 0)
      return payload.sub;
  } catch {
    // fall through: malformed
  }
  throw httpProblem(401, "invalid_jwt", "Not an agent JWT (typ agent+jwt, EdDSA, sub = agent id).");
}

/** The refusal code of an agent state that may not act (the plugin's codes). */
const AGENT_STATE_CODES: Readonly<Record<string, ProblemCode>> = {
  pending: "agent_pending",
  revoked: "agent_revoked",
  rejected: "agent_rejected",
  claimed: "agent_claimed",
};

/** Why the agent may not act now (from its facts), or null. */
function stateRefusal(state: AgentState): HttpProblem | null {
  if (state.hostStatus === "revoked") return forbidden("host_revoked", "The agent's host has been revoked.");
  if (state.status !== "active") {
    const code = AGENT_STATE_CODES[state.status] ?? "agent_not_active";
    if (state.status === "expired") return httpProblem(401, "agent_expired", EXPIRED_DETAIL);
    return forbidden(code, `The agent is ${state.status}.`);
  }
  const now = Date.now();
  const anchor = (state.activatedAt ?? state.createdAt).getTime();
  if ((state.expiresAt && state.expiresAt.getTime() <= now) || anchor + MAX_LIFETIME_MS <= now) {
    return httpProblem(401, "agent_expired", EXPIRED_DETAIL);
  }
  return null;
}

/** An agent the plugin would reactivate transparently (status expired, or its session or lifetime ran out), on a live host. */
function isLapsed(state: AgentState): boolean {
  if (state.hostStatus === "revoked") return false;
  return state.status === "expired" || (state.status === "active" && stateRefusal(state)?.code === "agent_expired");
}

const EXPIRED_DETAIL =
  "The agent's session lapsed. Any Agent Auth call (e.g. GET /api/auth/agent/status with an issuer-audience JWT) reactivates it; the SDK does this by itself.";

async function verifyToken(token: string, entry: CachedAgent, audiences: string[]): Promise<JWTPayload> {
  if (!entry.key) throw httpProblem(401, "invalid_public_key", "The agent has no usable Ed25519 key.");
  try {
    const { payload } = await jwtVerify(token, entry.key, {
      algorithms: ["EdDSA"],
      typ: "agent+jwt",
      audience: audiences,
      maxTokenAge: JWT_MAX_AGE_SECONDS,
    });
    if (payload.iss !== undefined && payload.iss !== entry.state.hostId) throw new Error("iss is not the agent's host");
    // One token, one audience: a token also naming the issuer could be spent again on the plugin's side.
    if (Array.isArray(payload.aud) && payload.aud.length > 1) throw new Error("several audiences");
    return payload;
  } catch {
    throw httpProblem(401, "invalid_jwt", "JWT is invalid, expired, or signature failed.");
  }
}

/** The token's `capabilities` claim, which narrows what it may use, when it has one. */
function claimedCapabilities(payload: JWTPayload): ReadonlySet<string> | undefined {
  return Array.isArray(payload.capabilities) ? new Set(payload.capabilities.map(String)) : undefined;
}

/** Active, unexpired grants, narrowed to the token's `capabilities` claim when it has one. */
function activeGrants(state: AgentState, claimed: ReadonlySet<string> | undefined): AgentState["grants"] {
  const now = Date.now();
  return state.grants.filter(
    (grant) =>
      grant.status === "active" && (!grant.expiresAt || grant.expiresAt.getTime() > now) && (!claimed || claimed.has(grant.capability)),
  );
}

function forbidden(code: ProblemCode, detail: string): HttpProblem {
  return httpProblem(403, code, detail);
}

function unauthorized(code: ProblemCode, detail: string): HttpProblem {
  return httpProblem(401, code, detail);
}
