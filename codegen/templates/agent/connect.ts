/*
 * The whole agent side in one call: discover, load or create the identity,
 * register (or resume a stored agent), show approvals, wait, and hand out a
 * typed client that signs every request.
 */
import { waitForApproval } from "./approval.js";
import { type ApiClient, type ApiClientOptions, type CapabilityName, createApiClient } from "./contract.js";
import { type AgentConfiguration, discoverAgentAuth } from "./discovery.js";
import { AgentServerError, ApprovalDeniedError } from "./errors.js";
import { type ApprovalInfo, type ApprovalMethod, standingOf } from "./grants.js";
import type { FetchLike } from "./http.js";
import { type AgentKeyIdentity, type IdentityRecord, type IdentityStorage, loadOrCreateIdentity } from "./identity.js";
import { agentAuthMiddleware } from "./middleware.js";
import {
  mergeResults,
  type RegistrationResult,
  registerAgent,
  registerForCapabilities,
  requestCapabilities,
  storedApproval,
} from "./registration.js";
import { type AgentSession, createAgentSession } from "./session.js";
import { type AgentStatusResult, fetchAgentStatus } from "./status.js";

export interface ConnectAgentOptions {
  /** Where the API is, e.g. `http://localhost:3005`; discovery is read from its origin. */
  readonly baseUrl: string;
  /** The agent's name, shown to the merchant. */
  readonly name: string;
  /** Everything the agent will need; auto-granted ones are usable at once on a trusted host. */
  readonly capabilities: readonly CapabilityName[];
  /** Where keys, ids and host trust are kept between runs. */
  readonly storage: IdentityStorage;
  /** The host's name, shown to the merchant (e.g. the machine or program). */
  readonly hostName?: string;
  /** Ask for an approval method (`device_authorization` or `ciba`); the server decides. */
  readonly preferredMethod?: ApprovalMethod;
  /** Why the agent wants the capabilities, shown to the merchant. */
  readonly reason?: string;
  /**
   * Called with each new approval: for `device_authorization` show `verification_uri_complete`
   * and `user_code` to the merchant; `ciba` has neither (the merchant is asked in their inbox).
   */
  readonly onApproval?: (approval: ApprovalInfo, registration: RegistrationResult) => void | Promise<void>;
  /** Wait for the merchant before returning (default true); false returns at once, see `connection.waitForApproval()`. */
  readonly wait?: boolean;
  /** An already fetched discovery document (skips discovery). */
  readonly configuration?: AgentConfiguration;
  readonly signal?: AbortSignal;
  readonly fetch?: FetchLike;
  /** Cap of the polling backoff, seconds. */
  readonly maxBackoffSeconds?: number;
  /**
   * Told about setups that connect but will fail later (default: `console.warn`),
   * e.g. a `baseUrl` whose origin is not the discovered issuer's.
   */
  readonly onWarning?: (message: string) => void;
}

export interface WaitOptions {
  readonly signal?: AbortSignal;
  readonly onPoll?: (status: AgentStatusResult) => void;
}

/** A connected agent. */
export interface AgentConnection {
  readonly baseUrl: string;
  readonly configuration: AgentConfiguration;
  readonly session: AgentSession;
  /** The latest standing (updated by `waitForApproval`). */
  readonly registration: RegistrationResult;
  /** Whether the host was trusted when connecting, i.e. auto-granted capabilities work before any approval. */
  readonly hostTrusted: boolean;
  /** All wanted capabilities are granted. */
  readonly ready: boolean;
  /** The typed API client, signing each request as this agent. */
  readonly client: ApiClient;
  /**
   * Waits until every wanted capability is granted, requesting any the
   * agent could not ask for before its first approval (each new approval
   * goes to `onApproval`). Resolves at once when nothing is pending.
   */
  waitForApproval(options?: WaitOptions): Promise<RegistrationResult>;
}

/**
 * @example
 * const agent = await connectAgent({
 *   baseUrl: "http://localhost:3005",
 *   name: "Shopping agent",
 *   capabilities: ["listProducts", "placeOrder"],
 *   storage: new FileIdentityStorage(".data/agent.json"),
 *   onApproval: (approval) =>
 *     console.log(approval.method === "ciba" ? "Asked in the merchant's inbox" : `Approve at ${approval.verification_uri_complete} (code ${approval.user_code})`),
 * });
 * const { data } = await agent.client.GET("/v1/products");
 */
export async function connectAgent(options: ConnectAgentOptions): Promise<AgentConnection> {
  const transport = { ...(options.signal ? { signal: options.signal } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) };
  const configuration = options.configuration ?? (await discoverAgentAuth(options.baseUrl, transport));
  warnOnOriginMismatch(options, configuration);
  const identity = await loadOrCreateIdentity(options.storage, configuration.issuer);
  const hostTrusted = identity.host.trusted;
  const resumed = identity.agent?.id ? await resume(options, configuration, identity, identity.agent, transport) : undefined;
  const { registration, session } =
    resumed ??
    (await registerForCapabilities({
      configuration,
      storage: options.storage,
      identity,
      name: options.name,
      capabilities: options.capabilities,
      ...(options.hostName ? { hostName: options.hostName } : {}),
      ...(options.preferredMethod ? { preferredMethod: options.preferredMethod } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
      ...transport,
    }));
  const connection = new Connection(options, configuration, session, registration, hostTrusted || registration.granted.length > 0);
  if (registration.approval) await options.onApproval?.(registration.approval, registration);
  if (options.wait ?? true) await connection.waitForApproval(options.signal ? { signal: options.signal } : {});
  return connection;
}

/**
 * The server accepts tokens only for its configured origin: an agent that
 * reaches it under another name (127.0.0.1 vs localhost) registers and gets
 * approved, then every API call is refused 401 `invalid_jwt`. Said at once.
 */
function warnOnOriginMismatch(options: ConnectAgentOptions, configuration: AgentConfiguration): void {
  const baseOrigin = new URL(options.baseUrl).origin;
  const issuerOrigin = new URL(configuration.issuer).origin;
  if (baseOrigin === issuerOrigin) return;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  warn(
    `baseUrl origin ${baseOrigin} differs from the discovered issuer's origin ${issuerOrigin}: the server accepts tokens only for its own origin, so API calls will fail with 401 invalid_jwt. Use baseUrl "${issuerOrigin}".`,
  );
}

/**
 * A typed client that signs every request with a fresh agent JWT (extra
 * middleware runs after). Given the discovery document, it also revives an
 * agent whose session lapsed while idle (one status call, then one retry).
 */
export function createAgentClient(
  connection: Pick<AgentConnection, "baseUrl" | "session"> & { readonly configuration?: AgentConfiguration },
  options: ApiClientOptions = {},
): ApiClient {
  const { configuration, session } = connection;
  const reactivate = configuration ? () => fetchAgentStatus({ configuration, session }) : undefined;
  return createApiClient({
    ...options,
    baseUrl: options.baseUrl ?? connection.baseUrl.replace(/\/+$/, ""),
    middleware: [agentAuthMiddleware(session, reactivate ? { reactivate } : {}), ...(options.middleware ?? [])],
  });
}

class Connection implements AgentConnection {
  readonly client: ApiClient;
  private current: RegistrationResult;

  constructor(
    private readonly options: ConnectAgentOptions,
    readonly configuration: AgentConfiguration,
    readonly session: AgentSession,
    registration: RegistrationResult,
    readonly hostTrusted: boolean,
  ) {
    this.current = registration;
    this.client = createAgentClient(this);
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get registration(): RegistrationResult {
    return this.current;
  }

  get ready(): boolean {
    const { status, pending, missing, denied } = this.current;
    return status === "active" && pending.length === 0 && missing.length === 0 && denied.length === 0;
  }

  async waitForApproval(waitOptions: WaitOptions = {}): Promise<RegistrationResult> {
    const { options } = this;
    const signal = waitOptions.signal ?? options.signal;
    const transport = { ...(signal ? { signal } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) };
    for (;;) {
      const registration = this.current;
      if (registration.denied.length > 0) throw new ApprovalDeniedError(registration.agentId, registration.denied);
      if (this.ready) return registration;
      if (registration.status === "active" && registration.pending.length === 0) {
        // Approved, but some capabilities were left for after the first approval: ask now.
        const requested = await requestCapabilities({
          configuration: this.configuration,
          session: this.session,
          capabilities: registration.missing,
          ...(options.preferredMethod ? { preferredMethod: options.preferredMethod } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
          ...transport,
        });
        this.current = mergeResults(registration, requested, options.capabilities);
        await rememberApproval(options.storage, this.current.approval);
        if (this.current.approval) await options.onApproval?.(this.current.approval, this.current);
        continue;
      }
      const outcome = await waitForApproval({
        configuration: this.configuration,
        session: this.session,
        capabilities: options.capabilities,
        ...(registration.approval ? { approval: registration.approval } : {}),
        storage: options.storage,
        ...(options.maxBackoffSeconds ? { maxBackoffSeconds: options.maxBackoffSeconds } : {}),
        ...(waitOptions.onPoll ? { onPoll: waitOptions.onPoll } : {}),
        ...transport,
      });
      this.current = {
        agentId: registration.agentId,
        hostId: registration.hostId,
        status: outcome.status.status,
        grants: outcome.status.grants,
        ...standingOf(options.capabilities, outcome.status.grants),
      };
    }
  }
}

type Transport = { signal?: AbortSignal; fetch?: FetchLike };

/**
 * Picks up a stored agent: what the server says about it decides. Returns
 * undefined when it is gone (revoked, claimed, unknown): register a new one.
 */
async function resume(
  options: ConnectAgentOptions,
  configuration: AgentConfiguration,
  identity: IdentityRecord,
  agent: AgentKeyIdentity,
  transport: Transport,
): Promise<{ registration: RegistrationResult; session: AgentSession } | undefined> {
  const agentId = agent.id!;
  const hostId = identity.host.id;
  const session = await createAgentSession({
    agentId,
    ...(hostId ? { hostId } : {}),
    agentPrivateKey: agent.keys.privateJwk,
    audience: configuration.issuer,
  });
  let status: AgentStatusResult;
  try {
    status = await fetchAgentStatus({ configuration, session, ...transport });
  } catch (error) {
    if (error instanceof AgentServerError && (error.code === "agent_not_found" || error.status === 404)) return undefined;
    throw error;
  }
  if (status.status === "pending") {
    // Registering the same agent key again returns the pending agent with a new code to show.
    try {
      const registration = await registerAgent({
        configuration,
        hostKeys: identity.host.keys,
        ...(hostId ? { hostId } : {}),
        agentPublicKey: agent.keys.publicJwk,
        name: agent.name ?? options.name,
        capabilities: options.capabilities,
        ...(options.hostName ? { hostName: options.hostName } : {}),
        ...(options.preferredMethod ? { preferredMethod: options.preferredMethod } : {}),
        ...transport,
      });
      if (registration.agentId === agentId) return { registration, session };
      // A different id: the server did not know this key after all; use what it registered.
      await options.storage.save({
        ...identity,
        host: { ...identity.host, id: registration.hostId ?? hostId },
        agent: { ...agent, id: registration.agentId },
      });
      return {
        registration,
        session: await createAgentSession({
          agentId: registration.agentId,
          ...(registration.hostId ? { hostId: registration.hostId } : {}),
          agentPrivateKey: agent.keys.privateJwk,
          audience: configuration.issuer,
        }),
      };
    } catch (error) {
      // Approved between the two calls: carry on with the active agent.
      if (!(error instanceof AgentServerError && error.code === "agent_exists")) throw error;
      status = await fetchAgentStatus({ configuration, session, ...transport });
    }
  }
  if (status.status === "rejected") {
    throw new ApprovalDeniedError(
      agentId,
      [],
      `The merchant rejected agent ${agentId}; forget it (forgetAgent(storage)) to register again`,
    );
  }
  if (status.status !== "active" && status.status !== "expired") return undefined;
  // An active agent means a merchant approved this host at some point.
  if (!identity.host.trusted) await options.storage.save({ ...identity, host: { ...identity.host, trusted: true } });
  const standing = standingOf(options.capabilities, status.grants);
  const base: RegistrationResult = { agentId, hostId, status: "active", grants: status.grants, ...standing };
  if (standing.denied.length > 0) throw new ApprovalDeniedError(agentId, standing.denied);
  if (standing.missing.length === 0 && standing.pending.length === 0) return { registration: base, session };
  const stored = agent.pendingApproval;
  if (standing.missing.length === 0 && stored && Date.parse(stored.expiresAt) > Date.now()) {
    // Still pending from an earlier run: show the remembered code, with the time it has left.
    const expiresIn = Math.floor((Date.parse(stored.expiresAt) - Date.now()) / 1000);
    return { registration: { ...base, approval: { ...stored.info, expires_in: expiresIn } }, session };
  }
  const requested = await requestCapabilities({
    configuration,
    session,
    capabilities: [...standing.missing, ...standing.pending],
    ...(options.preferredMethod ? { preferredMethod: options.preferredMethod } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
    ...transport,
  });
  const registration = mergeResults(base, requested, options.capabilities);
  await rememberApproval(options.storage, registration.approval);
  return { registration, session };
}

/** Keeps an approval with a code (one without a code repeats an earlier one and shows nothing new). */
async function rememberApproval(storage: IdentityStorage, approval: ApprovalInfo | undefined): Promise<void> {
  if (!approval?.user_code) return;
  const record = await storage.load();
  if (!record?.agent) return;
  await storage.save({ ...record, agent: { ...record.agent, ...storedApproval(approval) } });
}
