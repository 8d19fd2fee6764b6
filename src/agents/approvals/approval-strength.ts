import { capabilities, isCapabilityName } from "../../../generated/capabilities.js";

/**
 * Whether approving the capability needs a passkey assertion, not just a
 * signed-in session (`x-agent-approval-strength: webauthn` in the contract).
 */
export function needsPasskey(name: string): boolean {
  return isCapabilityName(name) && capabilities[name].approvalStrength === "webauthn";
}
