/*
 * Waiting for the merchant: poll `agent/status` until the wanted
 * capabilities are decided.
 *
 * Pacing follows the device flow (RFC 8628): never poll faster than the
 * server's `interval`; when the server is overloaded or unreachable (429,
 * 5xx, `slow_down`, network errors) double the delay up to a cap, honour
 * `Retry-After`, and return to `interval` after the next good answer.
 */
import type { CapabilityName } from "./contract.js";
import { AgentNetworkError, AgentServerError, ApprovalDeniedError, ApprovalExpiredError } from "./errors.js";
import { type ApprovalInfo, type CapabilityStanding, DEFAULT_APPROVAL_EXPIRES_IN, DEFAULT_POLL_INTERVAL, standingOf } from "./grants.js";
import type { IdentityStorage } from "./identity.js";
import type { ProtocolCallOptions } from "./registration.js";
import type { AgentSession } from "./session.js";
import { type AgentStatusResult, fetchAgentStatus } from "./status.js";

export interface WaitForApprovalOptions extends ProtocolCallOptions {
  readonly session: AgentSession;
  /** The capabilities to wait for. */
  readonly capabilities: readonly CapabilityName[];
  /** The approval being waited on: its `interval` paces polling, its `expires_in` ends the wait. */
  readonly approval?: Pick<ApprovalInfo, "interval" | "expires_in">;
  /** On success the host is marked trusted here (and a remembered approval forgotten). */
  readonly storage?: IdentityStorage;
  /** Longest delay between polls while backing off, in seconds (default 60). Never below `interval`. */
  readonly maxBackoffSeconds?: number;
  /** Called after each answered poll, e.g. to show progress. */
  readonly onPoll?: (status: AgentStatusResult) => void;
}

export interface ApprovalOutcome extends CapabilityStanding {
  readonly status: AgentStatusResult;
}

/**
 * Resolves once the agent is active and none of the wanted capabilities is
 * pending; `granted` then lists the usable ones and `missing` any the agent
 * never asked for (request them, then wait again).
 * @throws ApprovalDeniedError when the merchant rejected the agent or denied a wanted capability.
 * @throws ApprovalExpiredError when still pending as the approval lapses.
 * @throws AgentServerError when the agent was revoked or the server refuses the agent's token.
 * @throws the signal's reason when aborted.
 */
export async function waitForApproval(options: WaitForApprovalOptions): Promise<ApprovalOutcome> {
  const { session, signal } = options;
  const interval = positive(options.approval?.interval, DEFAULT_POLL_INTERVAL);
  const maxBackoff = Math.max(interval, positive(options.maxBackoffSeconds, 60));
  const deadline = Date.now() + positive(options.approval?.expires_in, DEFAULT_APPROVAL_EXPIRES_IN) * 1000;
  let delay = interval;
  let lastStanding: CapabilityStanding | undefined;
  for (;;) {
    // Sleep first: the approval was just issued, nobody has decided within milliseconds.
    // The last sleep is cut short so one poll happens right at the deadline.
    await sleep(Math.min(delay * 1000, Math.max(0, deadline - Date.now())), signal);
    let status: AgentStatusResult;
    try {
      status = await fetchAgentStatus({ ...options, session });
    } catch (error) {
      if (!isTransient(error)) throw error;
      const retryAfter = error instanceof AgentServerError ? (error.retryAfterSeconds ?? 0) : 0;
      delay = Math.max(Math.min(delay * 2, maxBackoff), retryAfter, interval);
      if (Date.now() >= deadline) throw new ApprovalExpiredError(session.agentId, lastStanding?.pending ?? options.capabilities);
      continue;
    }
    delay = interval;
    options.onPoll?.(status);
    if (status.status === "rejected") throw new ApprovalDeniedError(session.agentId, []);
    if (status.status !== "active" && status.status !== "pending") {
      throw new AgentServerError({
        status: 403,
        code: `agent_${status.status}`,
        message: `Agent ${session.agentId} is ${status.status}`,
        body: status,
      });
    }
    if (status.status === "active") {
      const standing = standingOf(options.capabilities, status.grants);
      lastStanding = standing;
      if (standing.denied.length > 0) throw new ApprovalDeniedError(session.agentId, standing.denied);
      if (standing.pending.length === 0) {
        if (options.storage) await settle(options.storage);
        return { status, ...standing };
      }
    }
    if (Date.now() >= deadline) throw new ApprovalExpiredError(session.agentId, lastStanding?.pending ?? options.capabilities);
  }
}

/** An approved agent proves a merchant trusts its host; the remembered approval is answered. */
async function settle(storage: IdentityStorage): Promise<void> {
  const record = await storage.load();
  if (!record || (record.host.trusted && !record.agent?.pendingApproval)) return;
  const host = { ...record.host, trusted: true };
  if (!record.agent) return storage.save({ ...record, host });
  const { pendingApproval: _answered, ...agent } = record.agent;
  await storage.save({ ...record, host, agent });
}

function isTransient(error: unknown): boolean {
  return error instanceof AgentNetworkError || (error instanceof AgentServerError && error.retryable);
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** setTimeout as a promise that an AbortSignal cancels (rejecting with the signal's reason). */
function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
