import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { organization } from "better-auth/plugins/organization";
import type { Kysely } from "kysely";
import type { ResponseValidation } from "../../generated/routes.js";
import { createAgentAuthPlugin, type AgentAuthSettings } from "../agents/agent-auth-plugin.js";
import { approvalPolicy } from "../agents/approval-policy.js";
import { CapabilityRunner, type ExecutionTarget } from "../agents/capability-executor.js";
import { agentStateSignal, ChangeSignal } from "../agents/agent-state-signal.js";
import { DEFAULT_DEVICE_AUTH_PAGE } from "../config/device-page-default.js";
import { AUTH_BASE_PATH } from "../config/origins.js";
import { JtiCache } from "../agents/jti-cache.js";
import type { Database } from "../db/schema.js";
import { controlCharacterGuard } from "./control-character-guard.js";
import { routeFirewall } from "./inventory/route-firewall.js";
import { passkeySupport } from "./passkey-support.js";
import { CLIENT_ADDRESS_HEADER } from "./client-address-header.js";
import { betterAuthRateLimit, resolveRateLimits, type RateLimitOverrides } from "./rate-limits.js";
import { signInLockout } from "./sign-in-lockout.js";

export interface AuthOptions {
  readonly db: Kysely<Database>;
  /** Origin the server is reached at, e.g. http://localhost:3005 (routes live under /api/auth). */
  readonly baseUrl: string;
  readonly secret: string;
  /** Agent Auth settings; defaults: the device page at /device/capabilities, no proxy trusted, execute in-process. */
  readonly agents?: Partial<Omit<AgentAuthSettings, "runner">> & { readonly execution?: ExecutionTarget };
  /** Per-address and per-account limits; default: PRODUCTION_RATE_LIMITS (see rate-limits.ts). */
  readonly rateLimits?: RateLimitOverrides;
  /** Tests only: check what `capability/execute` runs in-process against the contract (see createApp). */
  readonly validateResponses?: ResponseValidation;
}

/**
 * Better Auth: users (email + password), organizations (tenants = stores)
 * and API keys. API keys carry `metadata: { organizationId, scopes }`; the
 * plugin's per-key rate limit (10 verifications a day by default) is off: a
 * store API is called far more often than that, and abuse is limited per key
 * owner's membership instead (checked on every call, see resolve-principal).
 * Agent Auth (register, approve, capability list/execute) lives beside them,
 * and passkeys, which confirm approvals of `webauthn` capabilities.
 */
export function createAuth(options: AuthOptions) {
  const agentStateChanges = new ChangeSignal();
  // One replay cache for every verifier in this process: the plugin, the host JWT guard and our fast path.
  const replayIds = new JtiCache();
  const rateLimits = resolveRateLimits(options.rateLimits);
  const runner = new CapabilityRunner(options.db, options.agents?.execution ?? { kind: "in-process" }, `${options.baseUrl}${AUTH_BASE_PATH}`, {
    validateResponses: options.validateResponses,
  });
  const auth = betterAuth({
    appName: "Commerce API",
    baseURL: `${options.baseUrl}${AUTH_BASE_PATH}`,
    basePath: AUTH_BASE_PATH,
    secret: options.secret,
    database: { db: options.db, type: "postgres" },
    emailAndPassword: { enabled: true },
    // Limits in every environment, per client address as our HTTP layer writes it (see client-address-header.ts).
    rateLimit: betterAuthRateLimit(rateLimits),
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    plugins: [
      // First: its hooks run before any other plugin's (deny by default, one audience per token).
      routeFirewall(replayIds),
      controlCharacterGuard(),
      organization(),
      apiKey({ enableMetadata: true, rateLimit: { enabled: false } }),
      createAgentAuthPlugin(options.db, {
        deviceAuthorizationPage: options.agents?.deviceAuthorizationPage ?? DEFAULT_DEVICE_AUTH_PAGE,
        trustProxy: options.agents?.trustProxy ?? false,
        onEvent: options.agents?.onEvent,
        runner,
        replayIds,
      }),
      // Who may decide, grant or change hosts first; then passkeys and the passkey gate on `webauthn` capabilities.
      approvalPolicy(options.db),
      ...passkeySupport(options.db, options.baseUrl),
      agentStateSignal(agentStateChanges),
      signInLockout(options.db, rateLimits.account),
    ],
    telemetry: { enabled: false },
    // Unexpected errors leave the handler raw instead of as a bare 500, so the HTTP
    // layer can tell a database outage (503, retry) from a bug (see http/auth-handler.ts).
    onAPIError: { throw: true },
  });
  // agentStateChanges: fired in-process after every mutating agent/host/organization endpoint (see agent-state-signal.ts).
  // capabilityRunner: the same runner serves the API-audience execute route (see fast-execute-route.ts).
  // replayIds: the same cache backs the fast verifier (see assemble-app.ts).
  return Object.assign(auth, { agentStateChanges, capabilityRunner: runner, replayIds });
}

export type Auth = ReturnType<typeof createAuth>;
