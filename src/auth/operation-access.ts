import { capabilities, isCapabilityName } from "../../generated/capabilities.js";
import type { HttpProblem } from "../../generated/routes.js";
import { httpProblem } from "../http/problem-titles.js";
import type { Principal, Scope } from "./principal.js";

/**
 * The operation's scope must be one of the caller's, and an agent must hold
 * the operation's own capability (a grant for addCartItem does not allow
 * placeOrder). Shared by the router's context and the agents' execute paths;
 * it depends on the principal alone, so execution never reaches back into
 * how principals are resolved.
 */
export function assertMayCall(principal: Principal, operationId: string, authBaseUrl: string): void {
  const scope = requiredScope(operationId);
  if (!principal.scopes.has(scope)) {
    throw httpProblem(403, "insufficient_scope", `${operationId} needs the "${scope}" scope.`);
  }
  if (principal.grantedCapabilities && !principal.grantedCapabilities.has(operationId)) {
    throw principal.via === "mcp" ? toolNotApproved(operationId) : capabilityNotGranted(operationId, authBaseUrl);
  }
}

function capabilityNotGranted(capability: string, authBaseUrl: string): HttpProblem {
  return httpProblem(
    403,
    "capability_not_granted",
    `This agent holds no active grant for "${capability}". Ask the merchant for it: POST ${authBaseUrl}/agent/request-capability with {"capabilities":["${capability}"]}, then wait for approval.`,
  );
}

function toolNotApproved(tool: string): HttpProblem {
  return httpProblem(
    403,
    "capability_not_granted",
    `The merchant did not approve "${tool}" for this MCP connection. To use it, authorize again: the merchant can approve it on the consent page.`,
  );
}

/** Operations outside the registry count as admin: unknown means most guarded. */
function requiredScope(operationId: string): Scope {
  if (!isCapabilityName(operationId)) return "admin";
  return capabilities[operationId].scope;
}
