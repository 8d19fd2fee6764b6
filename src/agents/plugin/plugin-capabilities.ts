import type { Capability } from "@better-auth/agent-auth";
import { type CapabilityDefinition, capabilities, capabilityNames, isCapabilityName } from "../../../generated/capabilities.js";

/**
 * The contract's operations as Agent Auth capabilities: one per operationId,
 * described by the operation's summary and method/path, with the generated
 * flat input schema (parameters and top-level body fields side by side).
 * Built from `generated/capabilities.ts`, so a new operation in the YAML
 * becomes a capability after `npm run generate`.
 */
export function pluginCapabilities(): Capability[] {
  return capabilityNames.map((name) => toPluginCapability(capabilities[name]));
}

function toPluginCapability(definition: CapabilityDefinition): Capability {
  return {
    name: definition.name,
    description: `${definition.description}\n\n${definition.method} ${definition.path} (scope: ${definition.scope}${changesData(definition) ? ", changes data" : ", read-only"})`,
    input: definition.inputSchema as Record<string, unknown>,
    approvalStrength: definition.approvalStrength,
  };
}

/** Whether calling the operation can change the store's data (anything but GET/HEAD). */
export function changesData(definition: CapabilityDefinition): boolean {
  return definition.method !== "GET" && definition.method !== "HEAD";
}

/** Capabilities of the `storefront` scope only: what a caller without an owner/admin membership could be granted. */
export function isStorefrontCapability(name: string): boolean {
  return isCapabilityName(name) && capabilities[name].scope === "storefront";
}
