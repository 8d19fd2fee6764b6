import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { organization } from "better-auth/plugins/organization";
import type { Kysely } from "kysely";
import { approvalPolicy } from "../agents/approvals/approval-policy.js";
import { type AgentAuthSettings, createAgentAuthPlugin } from "../agents/plugin/agent-auth-plugin.js";
import { AUTH_BASE_PATH, mcpResourceOf, type Origins } from "../config/origins.js";
import type { Database } from "../db/schema.js";
import { mcpConnectionRevocation } from "../mcp/connection-revocation.js";
import { authStateSignal, type ChangeSignal } from "./auth-state-signal.js";
import { CLIENT_ADDRESS_HEADER } from "./client-address-header.js";
import { controlCharacterGuard } from "./control-character-guard.js";
import { routeFirewall } from "./inventory/route-firewall.js";
import { mcpAuthorizationServer } from "./oauth-provider.js";
import { passkeySupport } from "./passkey-support.js";
import { betterAuthRateLimit, type RateLimitOverrides, resolveRateLimits } from "./rate-limits.js";
import { signInLockout } from "./sign-in-lockout.js";

export interface AuthOptions {
  readonly db: Kysely<Database>;
  /** Better Auth's base URL (`origins.authBaseUrl`) and the passkeys' relying party (`origins.authUrl`). */
  readonly origins: Origins;
  readonly secret: string;
  /** Agent Auth settings: device page, trusted proxy, event sink, the runner of `capability/execute`, the replay cache. */
  readonly agents: AgentAuthSettings;
  /** Told after every mutating agent/host/organization/API-key endpoint, so principal caches forget (see auth-state-signal.ts). */
  readonly authStateChanges: ChangeSignal;
  /** Per-address and per-account limits; default: PRODUCTION_RATE_LIMITS (see rate-limits.ts). */
  readonly rateLimits?: RateLimitOverrides;
  /** Where the per-address counters live instead of PostgreSQL (Redis with REDIS_URL, see redis-rate-limit-storage.ts). */
  readonly rateLimitStorage?: Parameters<typeof betterAuthRateLimit>[1];
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
  const rateLimits = resolveRateLimits(options.rateLimits);
  return betterAuth({
    appName: "Commerce API",
    baseURL: options.origins.authBaseUrl,
    basePath: AUTH_BASE_PATH,
    secret: options.secret,
    database: { db: options.db, type: "postgres" },
    emailAndPassword: { enabled: true },
    // Limits in every environment, per client address as our HTTP layer writes it (see client-address-header.ts).
    rateLimit: betterAuthRateLimit(rateLimits, options.rateLimitStorage),
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    plugins: [
      // First: its hooks run before any other plugin's (deny by default, one audience per token).
      routeFirewall(options.agents.replayIds),
      controlCharacterGuard(),
      organization(),
      apiKey({ enableMetadata: true, rateLimit: { enabled: false } }),
      createAgentAuthPlugin(options.db, options.agents),
      // Who may decide, grant or change hosts first; then passkeys and the passkey gate on `webauthn` capabilities.
      approvalPolicy(options.db),
      ...passkeySupport(options.db, options.origins.authUrl),
      authStateSignal(options.authStateChanges),
      signInLockout(options.db, rateLimits.account),
      // OAuth 2.1 for MCP clients: the /mcp endpoint's authorization server (see oauth-provider.ts).
      ...mcpAuthorizationServer(mcpResourceOf(options.origins)),
      mcpConnectionRevocation(options.db),
    ],
    telemetry: { enabled: false },
    // Unexpected errors leave the handler raw instead of as a bare 500, so the HTTP
    // layer can tell a database outage (503, retry) from a bug (see http/auth-handler.ts).
    onAPIError: { throw: true },
  });
}

export type Auth = ReturnType<typeof createAuth>;
