import type { ConstraintGate } from "../agents/execute/grant-constraints.js";

/** Scopes a caller can hold; an operation's `x-agent-scope` names the one it needs. */
export type Scope = "storefront" | "admin";

/**
 * Who is calling, resolved before the router from an API key, a session
 * cookie or (later) an agent JWT. Every kind yields the same shape: the tenant
 * and what it may do there.
 */
export interface Principal {
  readonly kind: "api_key" | "session" | "agent";
  /** The tenant: a Better Auth organization id. Every query is scoped to it. */
  readonly organizationId: string;
  /** The user whose authority the call carries (key owner, signed-in member, delegating user). */
  readonly userId: string;
  /**
   * The credential itself (API key id, user id for sessions, agent id): two
   * keys of one user are two callers for orders and idempotency keys.
   */
  readonly credentialId: string;
  readonly scopes: ReadonlySet<Scope>;
  /**
   * Agents only: the capabilities (operationIds) a merchant granted and that
   * are active now. An agent may call an operation only when it holds the
   * operation's own capability; other kinds leave this undefined (scope decides).
   */
  readonly grantedCapabilities?: ReadonlySet<string>;
  /**
   * Agents only: capabilities held only through constrained grants, with what
   * each call must satisfy (checked by the handlers once the input is valid).
   */
  readonly constraintGates?: ReadonlyMap<string, ConstraintGate>;
  /**
   * Agents only: "mcp" when the agent is an MCP client's connection (an
   * OAuth token, see mcp/): it asks for more on the consent page, not through
   * Agent Auth's request-capability, so refusals say so.
   */
  readonly via?: "mcp";
}
