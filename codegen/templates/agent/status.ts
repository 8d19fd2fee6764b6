/*
 * `GET agent/status` with an agent JWT. The plugin checks the agent's state
 * before the endpoint runs, so a pending, rejected, revoked or claimed agent
 * gets a 403 with that state as its code instead of a status body: those
 * answers are states, not failures, and map to a status here.
 */
import { AgentServerError } from "./errors.js";
import { type AgentStatus, type CapabilityGrant, parseGrants } from "./grants.js";
import { requestJson } from "./http.js";
import type { ProtocolCallOptions } from "./registration.js";
import type { AgentSession } from "./session.js";

export interface AgentStatusResult {
  readonly agentId: string;
  readonly status: AgentStatus;
  /** Empty when the server answered with a state code (see above). */
  readonly grants: readonly CapabilityGrant[];
}

/** 403 codes the plugin uses for an agent's state. */
const STATE_CODES: Readonly<Record<string, AgentStatus>> = {
  agent_pending: "pending",
  agent_rejected: "rejected",
  agent_revoked: "revoked",
  agent_claimed: "claimed",
};

export interface FetchAgentStatusOptions extends ProtocolCallOptions {
  readonly session: AgentSession;
}

/** The agent's status and grants. @throws AgentServerError for anything but a state answer. */
export async function fetchAgentStatus(options: FetchAgentStatusOptions): Promise<AgentStatusResult> {
  const { session } = options;
  let body: unknown;
  try {
    body = await requestJson({
      method: "GET",
      url: options.configuration.endpoints.status,
      bearer: await session.createJwt(),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  } catch (error) {
    // By code, whatever the status: the plugin sometimes sends its errors with HTTP 200.
    const state = error instanceof AgentServerError && (error.status === 403 || error.status === 200) ? STATE_CODES[error.code] : undefined;
    if (state) return { agentId: session.agentId, status: state, grants: [] };
    throw error;
  }
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof record.status !== "string") {
    throw new AgentServerError({
      status: 200,
      code: "invalid_response",
      message: `${options.configuration.endpoints.status}: answer lacks status`,
      body,
    });
  }
  return {
    agentId: typeof record.agent_id === "string" ? record.agent_id : session.agentId,
    status: record.status,
    grants: parseGrants(record.agent_capability_grants),
  };
}
