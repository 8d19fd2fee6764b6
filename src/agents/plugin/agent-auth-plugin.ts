import { type AgentAuthEvent, agentAuth, type Capability } from "@better-auth/agent-auth";
import type { Kysely } from "kysely";
import { autoGrantedCapabilities, isCapabilityName } from "../../../generated/capabilities.js";
import { scopesOfRole } from "../../auth/membership.js";
import type { Database } from "../../db/schema.js";
import { type CapabilityRunner, pluginExecuteHandler } from "../execute/capability-executor.js";
import { grantTtlFromLimits } from "../limits/grant-expiry.js";
import type { ReplayStore } from "../principal/replay-store.js";
import { pinnedOrganization } from "../principal/store-of-agent.js";
import { batchRefusalStatuses } from "./batch-refusals.js";
import { hostRotationLookup } from "./guards/host-rotation-lookup.js";
import { isStorefrontCapability, pluginCapabilities } from "./plugin-capabilities.js";
import { PluginReplayStorage } from "./plugin-replay-storage.js";

export interface AgentAuthSettings {
  /** Device authorization page, a path on this server or a full URL (AGENT_DEVICE_AUTH_PAGE). */
  readonly deviceAuthorizationPage: string;
  /** Believe X-Forwarded-Proto when checking JWT audiences (TRUST_PROXY). */
  readonly trustProxy: boolean;
  /** Told about every registration, approval and revocation (notifications, audit). */
  readonly onEvent?: (event: AgentAuthEvent) => void | Promise<void>;
  /** Runs `capability/execute` calls (in-process unless the API lives elsewhere). */
  readonly runner: CapabilityRunner;
  /** The process's one replay store, shared with our fast verifier (see plugin-replay-storage.ts). */
  readonly replayIds: ReplayStore;
}

/**
 * The Agent Auth Protocol plugin, fed by the contract: every operation is a
 * capability; the auto-granted ones (storefront reads and `createCart`) are
 * what a merchant-approved host's agents get at once; everything else waits
 * for approval. Agents act for the user who approves them (delegated mode
 * only: an autonomous agent would have no user, hence no store).
 */
export function createAgentAuthPlugin(db: Kysely<Database>, settings: AgentAuthSettings) {
  const plugin = agentAuth({
    providerName: "Commerce API",
    providerDescription: "A store's catalog, carts and orders. Reads are granted at once; changes need the merchant's approval.",
    modes: ["delegated"],
    capabilities: pluginCapabilities(),
    defaultHostCapabilities: [...autoGrantedCapabilities],
    // An agent no one here wrote must be able to introduce its host; the merchant's approval is the trust decision.
    allowDynamicHostRegistration: true,
    validateCapabilities: (names) => names.every(isCapabilityName),
    resolveCapabilities: async ({ capabilities, agentSession, hostSession }) => {
      const userId = agentSession?.userId ?? hostSession?.host.userId ?? null;
      const organizationId = pinnedOrganization(agentSession?.agent.metadata);
      if (userId && (await managesAStore(db, userId, organizationId))) return capabilities;
      return capabilities.filter((capability: Capability) => isStorefrontCapability(capability.name));
    },
    deviceAuthorizationPage: settings.deviceAuthorizationPage,
    trustProxy: settings.trustProxy,
    onEvent: settings.onEvent,
    onExecute: pluginExecuteHandler(db, settings.runner),
    // Both caches go to the storage handed to init below: replay ids into the shared replay store, JWKS documents into a TTL map.
    jtiCacheStorage: "secondary-storage",
    jwksCacheStorage: "secondary-storage",
    // A merchant's grant expiry (agent limits) also ends grants activated after it was set.
    resolveGrantTTL: grantTtlFromLimits(db),
    // proofOfPresence stays off: it would ask for a passkey on nearly every approval; see webauthn-approval-gate.ts.
  });
  // Batch items refused by onExecute get their whole refusal back (status, code, message): see batch-refusals.ts.
  // The plugin (0.6.2) has no after hooks of its own; should a version bring some, they run first.
  const own = (plugin.hooks as { after?: (typeof batchRefusalStatuses)[] }).after ?? [];
  // host/rotate-key by thumbprint: must run before the plugin's own before hook, which resolves `iss` by id or kid only.
  const ownBefore = plugin.hooks.before ?? [];
  // The plugin takes its caches' storage from init's context; only it sees ours, whatever Better Auth's own is (see plugin-replay-storage.ts).
  const storage = new PluginReplayStorage(settings.replayIds);
  const init = (ctx: Parameters<NonNullable<typeof plugin.init>>[0]) => plugin.init?.({ ...ctx, secondaryStorage: storage });
  return {
    ...plugin,
    init,
    hooks: { ...plugin.hooks, before: [hostRotationLookup(db), ...ownBefore], after: [...own, batchRefusalStatuses] },
  };
}

/** Whether the user is owner/admin of the given organization (or, with none pinned, of any). */
async function managesAStore(db: Kysely<Database>, userId: string, organizationId: string | null): Promise<boolean> {
  let query = db.selectFrom("member").select("role").where("userId", "=", userId);
  if (organizationId) query = query.where("organizationId", "=", organizationId);
  const memberships = await query.execute();
  return memberships.some(({ role }) => scopesOfRole(role).has("admin"));
}
