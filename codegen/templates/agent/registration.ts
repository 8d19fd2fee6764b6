/*
 * Registration with the server, and the strategy it needs.
 *
 * The plugin grants a host's default capabilities (our auto-granted reads)
 * only once a merchant has approved that host, and asking for anything
 * outside the defaults at registration leaves the WHOLE agent pending, reads
 * included. Hence two paths:
 *
 * - new host (no merchant yet, hence no user and no store): nothing can be
 *   granted before an approval, so register with everything wanted and let
 *   one approval cover it all;
 * - trusted host: register with the auto-granted part only (active at once,
 *   the agent can browse), then `request-capability` for the rest, which
 *   waits for the merchant without blocking the reads.
 */
import { autoGrantedCapabilities, type CapabilityName } from "./contract.js";
import type { AgentConfiguration } from "./discovery.js";
import { AgentServerError } from "./errors.js";
import {
  type AgentStatus,
  type ApprovalInfo,
  type ApprovalMethod,
  type CapabilityGrant,
  type CapabilityStanding,
  parseApproval,
  parseGrants,
  standingOf,
} from "./grants.js";
import { type FetchLike, requestJson } from "./http.js";
import { type Ed25519KeyPair, generateEd25519KeyPair, type IdentityRecord, type IdentityStorage } from "./identity.js";
import { signHostJwt } from "./jwt.js";
import { type AgentSession, createAgentSession } from "./session.js";

/** What the server said about an agent and the capabilities wanted, sorted. */
export interface RegistrationResult extends CapabilityStanding {
  readonly agentId: string;
  readonly hostId: string | undefined;
  /** The agent's status: `active` (usable for `granted`) or `pending` (nothing usable until approved). */
  readonly status: AgentStatus;
  /** Every grant the server reported, wanted or not. */
  readonly grants: readonly CapabilityGrant[];
  /** Present when a merchant must decide: show `verification_uri_complete` / `user_code`. */
  readonly approval?: ApprovalInfo;
}

/** Common options of the calls below. */
export interface ProtocolCallOptions {
  readonly configuration: AgentConfiguration;
  readonly signal?: AbortSignal;
  readonly fetch?: FetchLike;
}

export interface RegisterAgentOptions extends ProtocolCallOptions {
  readonly hostKeys: Ed25519KeyPair;
  readonly hostId?: string;
  readonly agentPublicKey: Ed25519KeyPair["publicJwk"];
  readonly name: string;
  readonly capabilities: readonly CapabilityName[];
  readonly hostName?: string;
  readonly preferredMethod?: ApprovalMethod;
  /** Shown to the merchant with the request. */
  readonly reason?: string;
}

/**
 * `POST agent/register` with a host JWT: one request, no strategy (see
 * `registerForCapabilities`). Re-registering a pending agent's key returns
 * that agent with a new approval; an active one answers `agent_exists` (409).
 * @throws AgentServerError with the server's code, e.g. `agent_exists`, `host_revoked`, `invalid_capabilities`.
 */
export async function registerAgent(options: RegisterAgentOptions): Promise<RegistrationResult> {
  const { configuration } = options;
  const hostJwt = await signHostJwt({
    hostPrivateKey: options.hostKeys.privateJwk,
    hostPublicJwk: options.hostKeys.publicJwk,
    ...(options.hostId ? { hostId: options.hostId } : {}),
    audience: configuration.issuer,
    agentPublicJwk: options.agentPublicKey,
    ...(options.hostName ? { hostName: options.hostName } : {}),
  });
  const body = await requestJson({
    method: "POST",
    url: configuration.endpoints.register,
    bearer: hostJwt,
    body: {
      name: options.name,
      capabilities: [...options.capabilities],
      // The only mode that gives the agent a user, hence a store (autonomous agents have neither here).
      mode: "delegated",
      ...(options.hostName ? { host_name: options.hostName } : {}),
      ...(options.preferredMethod ? { preferred_method: options.preferredMethod } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    },
    ...transport(options),
  });
  return resultOf(body, options.capabilities, configuration.endpoints.register);
}

export interface RequestCapabilitiesOptions extends ProtocolCallOptions {
  readonly session: AgentSession;
  readonly capabilities: readonly CapabilityName[];
  readonly preferredMethod?: ApprovalMethod;
  readonly reason?: string;
}

/**
 * `POST agent/request-capability` with an agent JWT (the agent must be
 * active). Host defaults are granted at once, the rest goes pending with an
 * approval; repeating a request that is still pending returns the same
 * approval without its code.
 * @throws AgentServerError, e.g. `already_granted` (409) when all are active, `agent_pending` (403).
 */
export async function requestCapabilities(options: RequestCapabilitiesOptions): Promise<RegistrationResult> {
  const { configuration, session } = options;
  const body = await requestJson({
    method: "POST",
    url: configuration.endpoints.request_capability,
    bearer: await session.createJwt(),
    body: {
      capabilities: [...options.capabilities],
      ...(options.preferredMethod ? { preferred_method: options.preferredMethod } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    },
    ...transport(options),
  });
  const result = resultOf(body, options.capabilities, configuration.endpoints.request_capability);
  // The answer's `status` describes the request; the agent itself is active (the endpoint demands it).
  return { ...result, status: "active", hostId: session.hostId };
}

/** Which capabilities to register with, and which to request once registered. */
export interface RegistrationPlan {
  readonly atRegistration: readonly CapabilityName[];
  readonly afterRegistration: readonly CapabilityName[];
}

/** The strategy (see the top of this file) as a pure function. */
export function planRegistration(
  wanted: readonly CapabilityName[],
  hostTrusted: boolean,
  autoGranted: readonly CapabilityName[] = autoGrantedCapabilities,
): RegistrationPlan {
  const unique = [...new Set(wanted)];
  if (!hostTrusted) return { atRegistration: unique, afterRegistration: [] };
  const automatic = new Set(autoGranted);
  const atRegistration = unique.filter((name) => automatic.has(name));
  // Nothing auto-granted wanted: registering with an empty list would hand out all host defaults;
  // registering with everything costs the same single approval.
  if (atRegistration.length === 0) return { atRegistration: unique, afterRegistration: [] };
  return { atRegistration, afterRegistration: unique.filter((name) => !automatic.has(name)) };
}

export interface RegisterForCapabilitiesOptions extends ProtocolCallOptions {
  readonly storage: IdentityStorage;
  /** The current identity (host keys, host id, trust); a new agent key is made here. */
  readonly identity: IdentityRecord;
  readonly name: string;
  readonly capabilities: readonly CapabilityName[];
  readonly hostName?: string;
  readonly preferredMethod?: ApprovalMethod;
  readonly reason?: string;
  /** Defaults to the contract's auto-granted capabilities. */
  readonly autoGranted?: readonly CapabilityName[];
}

/**
 * Registers a new agent by the strategy above and stores the result (agent
 * key and id, host id, trust) before anything else can fail. The returned
 * standing covers every wanted capability: on a host that turned out not to
 * be trusted (the agent came back pending), the ones left for later are
 * `missing` until the agent is approved and requests them.
 */
export async function registerForCapabilities(
  options: RegisterForCapabilitiesOptions,
): Promise<{ registration: RegistrationResult; identity: IdentityRecord; session: AgentSession }> {
  const { configuration, storage, identity } = options;
  const plan = planRegistration(options.capabilities, identity.host.trusted, options.autoGranted);
  const agentKeys = await generateEd25519KeyPair();
  const registered = await registerAgent({
    configuration,
    hostKeys: identity.host.keys,
    ...(identity.host.id ? { hostId: identity.host.id } : {}),
    agentPublicKey: agentKeys.publicJwk,
    name: options.name,
    capabilities: plan.atRegistration,
    ...optional(options),
    ...transport(options),
  });
  // Something was granted without approval: a merchant stands behind this host. Pending on a host
  // we thought trusted: the server no longer treats it so (approval was withdrawn or its data reset).
  const trusted = registered.status === "active" || registered.grants.some((grant) => grant.status === "active");
  const updated: IdentityRecord = {
    ...identity,
    host: { keys: identity.host.keys, id: registered.hostId ?? identity.host.id, trusted },
    agent: { keys: agentKeys, id: registered.agentId, name: options.name, ...storedApproval(registered.approval) },
  };
  await storage.save(updated);
  const session = await createAgentSession({
    agentId: registered.agentId,
    ...(updated.host.id ? { hostId: updated.host.id } : {}),
    agentPrivateKey: agentKeys.privateJwk,
    audience: configuration.issuer,
  });
  if (plan.afterRegistration.length === 0 || registered.status !== "active") {
    return { registration: { ...registered, ...standingOf(options.capabilities, registered.grants) }, identity: updated, session };
  }
  const requested = await requestCapabilities({
    configuration,
    session,
    capabilities: plan.afterRegistration,
    ...optional(options),
    ...transport(options),
  });
  const registration = mergeResults(registered, requested, options.capabilities);
  const withApproval: IdentityRecord = { ...updated, agent: { ...updated.agent!, ...storedApproval(registration.approval) } };
  if (registration.approval) await storage.save(withApproval);
  return { registration, identity: withApproval, session };
}

/** One result from a registration and a later request: the request's grants and approval win. */
export function mergeResults(first: RegistrationResult, second: RegistrationResult, wanted: readonly CapabilityName[]): RegistrationResult {
  const byCapability = new Map(first.grants.map((grant) => [grant.capability, grant]));
  for (const grant of second.grants) byCapability.set(grant.capability, grant);
  const grants = [...byCapability.values()];
  const approval = second.approval ?? first.approval;
  return {
    agentId: first.agentId,
    hostId: first.hostId ?? second.hostId,
    status: second.status,
    grants,
    ...(approval ? { approval } : {}),
    ...standingOf(wanted, grants),
  };
}

/** The identity fields that remember an approval, with its absolute expiry. */
export function storedApproval(approval: ApprovalInfo | undefined): { pendingApproval?: { info: ApprovalInfo; expiresAt: string } } {
  if (!approval) return {};
  return { pendingApproval: { info: approval, expiresAt: new Date(Date.now() + approval.expires_in * 1000).toISOString() } };
}

function resultOf(body: unknown, wanted: readonly CapabilityName[], source: string): RegistrationResult {
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof record.agent_id !== "string" || typeof record.status !== "string") {
    throw new AgentServerError({ status: 200, code: "invalid_response", message: `${source}: answer lacks agent_id or status`, body });
  }
  const grants = parseGrants(record.agent_capability_grants);
  const approval = parseApproval(record.approval);
  return {
    agentId: record.agent_id,
    hostId: typeof record.host_id === "string" ? record.host_id : undefined,
    status: record.status,
    grants,
    ...(approval ? { approval } : {}),
    ...standingOf(wanted, grants),
  };
}

function optional(options: { hostName?: string; preferredMethod?: ApprovalMethod; reason?: string }) {
  return {
    ...(options.hostName ? { hostName: options.hostName } : {}),
    ...(options.preferredMethod ? { preferredMethod: options.preferredMethod } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
  };
}

function transport(options: { signal?: AbortSignal; fetch?: FetchLike }) {
  return { ...(options.signal ? { signal: options.signal } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) };
}
