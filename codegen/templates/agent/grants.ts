/*
 * The server's view of an agent: its status and its capability grants, as
 * `agent/register`, `agent/request-capability` and `agent/status` return
 * them, and approval instructions when a merchant must decide.
 */
import type { CapabilityName } from "./contract.js";

/** Agent states of the protocol; other strings may appear in later versions. */
export type AgentStatus = "active" | "pending" | "rejected" | "revoked" | "expired" | "claimed" | (string & {});

/** Grant states: `active` usable, `pending` awaiting the merchant, `denied`/`revoked` final. */
export type GrantStatus = "active" | "pending" | "denied" | "revoked" | (string & {});

export interface CapabilityGrant {
  readonly capability: string;
  readonly status: GrantStatus;
  readonly reason?: string;
  readonly expires_at?: string;
  readonly description?: string;
}

/** How to get the merchant's decision (`device_authorization`: a page and a code; `ciba`: a push to the user). */
export type ApprovalMethod = "device_authorization" | "ciba" | (string & {});

/**
 * What the merchant must do. `device_authorization`: open `verification_uri_complete`
 * and confirm `user_code` (show both). `ciba`: nothing to show, the request waits in
 * the merchant's inbox; the link and code fields are absent.
 */
export interface ApprovalInfo {
  readonly method: ApprovalMethod;
  /** The approval page; the merchant enters `user_code` there. Device authorization only. */
  readonly verification_uri?: string;
  /** The page with the code filled in: the link to show. */
  readonly verification_uri_complete?: string;
  /** Device authorization only; absent too when the server repeats an earlier, still pending approval. */
  readonly user_code?: string;
  readonly device_code?: string;
  /** Seconds until the approval request lapses. */
  readonly expires_in: number;
  /** Seconds to wait between status polls, at least. */
  readonly interval: number;
}

/** Where an agent stands with respect to the capabilities it wants. */
export interface CapabilityStanding {
  /** Wanted and active: usable now. */
  readonly granted: readonly CapabilityName[];
  /** Wanted and awaiting the merchant. */
  readonly pending: readonly CapabilityName[];
  /** Wanted and denied by the merchant. */
  readonly denied: readonly CapabilityName[];
  /** Wanted but neither active, pending nor denied (never requested, revoked or expired). */
  readonly missing: readonly CapabilityName[];
}

/** Sorts wanted capabilities by their grant's status. */
export function standingOf(wanted: readonly CapabilityName[], grants: readonly CapabilityGrant[]): CapabilityStanding {
  const statusOf = new Map(grants.map((grant) => [grant.capability, grant.status]));
  const granted: CapabilityName[] = [];
  const pending: CapabilityName[] = [];
  const denied: CapabilityName[] = [];
  const missing: CapabilityName[] = [];
  for (const name of new Set(wanted)) {
    const status = statusOf.get(name);
    if (status === "active") granted.push(name);
    else if (status === "pending") pending.push(name);
    else if (status === "denied") denied.push(name);
    else missing.push(name);
  }
  return { granted, pending, denied, missing };
}

/** Reads `agent_capability_grants` from an untrusted body. */
export function parseGrants(value: unknown): CapabilityGrant[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is CapabilityGrant =>
      typeof item === "object" && item !== null && typeof item.capability === "string" && typeof item.status === "string",
  );
}

/** Reads `approval` from an untrusted body; undefined when absent or unusable. */
export function parseApproval(value: unknown): ApprovalInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.method !== "string") return undefined;
  const text = (key: string) => (typeof record[key] === "string" ? { [key]: record[key] as string } : {});
  return {
    method: record.method,
    ...text("verification_uri"),
    ...text("verification_uri_complete"),
    ...text("user_code"),
    ...text("device_code"),
    expires_in: typeof record.expires_in === "number" && record.expires_in > 0 ? record.expires_in : DEFAULT_APPROVAL_EXPIRES_IN,
    interval: typeof record.interval === "number" && record.interval > 0 ? record.interval : DEFAULT_POLL_INTERVAL,
  };
}

/** The plugin's defaults, used when an answer omits them. */
export const DEFAULT_POLL_INTERVAL = 5;
export const DEFAULT_APPROVAL_EXPIRES_IN = 300;
