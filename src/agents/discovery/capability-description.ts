import { capabilities, isCapabilityName } from "../../../generated/capabilities.js";
import { needsPasskey } from "../approvals/approval-strength.js";
import { changesData } from "../plugin/plugin-capabilities.js";

/** One capability as merchants see it: described from the contract, never from what the agent says. */
export interface CapabilityDescription {
  readonly name: string;
  /** The operation's summary (first line of its description). */
  readonly summary: string;
  readonly scope: "storefront" | "admin" | "unknown";
  readonly method: string;
  readonly path: string;
  readonly changesData: boolean;
  /** Approving it needs a passkey assertion (`x-agent-approval-strength: webauthn`). */
  readonly needsPasskey: boolean;
}

/** The contract's description of a capability name; an unknown name is shown as such (and as risky). */
export function describeCapability(name: string): CapabilityDescription {
  if (!isCapabilityName(name))
    return {
      name,
      summary: "Not an operation of this API",
      scope: "unknown",
      method: "",
      path: "",
      changesData: true,
      needsPasskey: false,
    };
  const definition = capabilities[name];
  return {
    name,
    summary: definition.description.split("\n")[0]!,
    scope: definition.scope,
    method: definition.method,
    path: definition.path,
    changesData: changesData(definition),
    needsPasskey: needsPasskey(name),
  };
}
