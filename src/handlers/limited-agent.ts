import type { Principal } from "../auth/principal.js";

/**
 * The agent whose merchant-set limits a call is held to: agents only (the
 * principal's credential is the agent id); API keys and sessions act with
 * their own authority and have no such limits.
 */
export function limitedAgentOf(principal: Principal): string | undefined {
  return principal.kind === "agent" ? principal.credentialId : undefined;
}
