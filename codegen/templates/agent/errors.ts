/*
 * Typed errors of the agent SDK. Callers branch on the class (or on `code`)
 * instead of parsing messages: a denied approval, an expired one, a server
 * refusal and a network failure each need a different reaction.
 */

/** Base class: every error the agent SDK throws on purpose is one of these. */
export class AgentAuthError extends Error {
  override readonly name: string = "AgentAuthError";
  /** Stable machine-readable code, e.g. `discovery_incomplete`, `agent_exists`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The discovery document is missing, not JSON, or lacks what the SDK needs. */
export class AgentDiscoveryError extends AgentAuthError {
  override readonly name = "AgentDiscoveryError";
  /** Fields the document lacks (dotted paths such as `endpoints.status`); empty when it could not be read at all. */
  readonly missing: readonly string[];

  constructor(code: string, message: string, missing: readonly string[] = [], options?: { cause?: unknown }) {
    super(code, message, options);
    this.missing = missing;
  }
}

/**
 * The server refused a request. `code` is the server's own: the plugin's
 * `error` (e.g. `agent_exists`, `host_revoked`, `invalid_jwt`) or our
 * problem+json `code`. `status` is the HTTP status as received, which the
 * plugin sometimes sends as 200 even for an error body.
 */
export class AgentServerError extends AgentAuthError {
  override readonly name = "AgentServerError";
  readonly status: number;
  /** The parsed error body, for details the SDK does not model. */
  readonly body: unknown;
  /** Seconds from `Retry-After`, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: string; message: string; body?: unknown; retryAfterSeconds?: number }) {
    super(init.code, init.message);
    this.status = init.status;
    this.body = init.body;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** Worth retrying later: rate limited or a server-side failure. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500 || this.code === "slow_down";
  }
}

/** The server could not be reached (connection refused, reset, DNS, ...). */
export class AgentNetworkError extends AgentAuthError {
  override readonly name = "AgentNetworkError";
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super("network_error", `Could not reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.url = url;
  }
}

/** The merchant denied the agent or some of its capabilities. */
export class ApprovalDeniedError extends AgentAuthError {
  override readonly name = "ApprovalDeniedError";
  readonly agentId: string;
  /** Capabilities the merchant denied; empty when the whole agent was rejected. */
  readonly deniedCapabilities: readonly string[];

  constructor(agentId: string, deniedCapabilities: readonly string[], message?: string) {
    super(
      "approval_denied",
      message ??
        (deniedCapabilities.length > 0
          ? `The merchant denied ${deniedCapabilities.join(", ")} for agent ${agentId}`
          : `The merchant rejected agent ${agentId}`),
    );
    this.agentId = agentId;
    this.deniedCapabilities = deniedCapabilities;
  }
}

/** No decision before the approval request expired. */
export class ApprovalExpiredError extends AgentAuthError {
  override readonly name = "ApprovalExpiredError";
  readonly agentId: string;
  /** Capabilities still pending at expiry. */
  readonly pendingCapabilities: readonly string[];

  constructor(agentId: string, pendingCapabilities: readonly string[]) {
    super(
      "approval_expired",
      `Approval for agent ${agentId} expired with ${pendingCapabilities.join(", ") || "the registration"} still pending`,
    );
    this.agentId = agentId;
    this.pendingCapabilities = pendingCapabilities;
  }
}

/** The identity store holds something that is not an identity, or could not be written. */
export class IdentityStorageError extends AgentAuthError {
  override readonly name = "IdentityStorageError";
  readonly location: string;

  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super("identity_storage", `${location}: ${message}`, options);
    this.location = location;
  }
}
