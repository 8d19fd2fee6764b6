import type { BetterAuthOptions } from "better-auth";

/** At most `max` requests per `window` seconds (Better Auth's rule shape). */
export interface RateLimitRule {
  readonly window: number;
  readonly max: number;
}

/** Failed password sign-ins one account (email) tolerates, from any address (see sign-in-lockout.ts). */
export interface AccountLockoutRule {
  /** Failures within `windowSeconds` that lock the account's password sign-in. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** How long the lock lasts once engaged; it lifts on its own. */
  readonly lockSeconds: number;
}

export interface RateLimitSettings {
  /** Per client address, every /api/auth route without a rule below (Better Auth's own default). */
  readonly general: RateLimitRule;
  /** Per client address and route: Better Auth paths, exact or with `*` for one segment. */
  readonly routes: Readonly<Record<string, RateLimitRule>>;
  /** Per account: failed password sign-ins. */
  readonly account: AccountLockoutRule;
}

const MINUTE = 60;

/**
 * The limits every environment runs with unless the auth factory is told
 * otherwise (tests that sign in many times from one loopback address relax
 * them; they never switch them off). Sign-in is strict per address (a person
 * mistyping needs a few tries a minute, a guesser wants thousands) and per
 * account; sign-up and password reset create state or spend a token guess,
 * so they are stricter still; approving agents keeps the plugin's 5/min.
 */
export const PRODUCTION_RATE_LIMITS: RateLimitSettings = {
  general: { window: 10, max: 100 },
  routes: {
    "/sign-in/*": { window: MINUTE, max: 5 },
    "/sign-up/*": { window: 10 * MINUTE, max: 5 },
    "/request-password-reset": { window: 15 * MINUTE, max: 3 },
    "/reset-password": { window: 15 * MINUTE, max: 5 },
    "/reset-password/*": { window: 15 * MINUTE, max: 5 },
    "/send-verification-email": { window: MINUTE, max: 3 },
    "/change-password": { window: MINUTE, max: 5 },
    "/change-email": { window: MINUTE, max: 5 },
    "/verify-password": { window: MINUTE, max: 5 },
    "/agent/approve-capability": { window: MINUTE, max: 5 },
    "/agent/ciba/authorize": { window: MINUTE, max: 5 },
    // MCP clients' OAuth (the provider plugin's own defaults, pinned here): anyone may register, so few per address.
    "/oauth2/register": { window: MINUTE, max: 5 },
    "/oauth2/authorize": { window: MINUTE, max: 30 },
    "/oauth2/token": { window: MINUTE, max: 20 },
    "/oauth2/revoke": { window: MINUTE, max: 30 },
  },
  account: { maxFailures: 5, windowSeconds: 15 * MINUTE, lockSeconds: 15 * MINUTE },
};

/** Production limits with the given parts replaced (route rules one by one). */
export function resolveRateLimits(overrides: RateLimitOverrides = {}): RateLimitSettings {
  return {
    general: overrides.general ?? PRODUCTION_RATE_LIMITS.general,
    routes: { ...PRODUCTION_RATE_LIMITS.routes, ...overrides.routes },
    account: { ...PRODUCTION_RATE_LIMITS.account, ...overrides.account },
  };
}

export interface RateLimitOverrides {
  readonly general?: RateLimitRule;
  readonly routes?: Readonly<Record<string, RateLimitRule>>;
  readonly account?: Partial<AccountLockoutRule>;
}

type RateLimitStorage = NonNullable<NonNullable<BetterAuthOptions["rateLimit"]>["customStorage"]>;

/**
 * Better Auth's per-address limiter, on in every environment (its default is
 * production only, so development and tests never ran it). Counters live in
 * Redis when REDIS_URL is set (`redisStorage`, see redis-rate-limit-storage.ts),
 * else in PostgreSQL (its `rateLimit` table, created by getMigrations in
 * app/migrate-all.ts): either way every process behind the load balancer
 * shares them, where "memory" would give each process its own budget. Our
 * route rules override the plugins' (Better Auth applies custom rules last).
 */
export function betterAuthRateLimit(
  settings: RateLimitSettings,
  redisStorage?: RateLimitStorage,
): NonNullable<BetterAuthOptions["rateLimit"]> {
  return {
    enabled: true,
    storage: "database",
    ...(redisStorage ? { customStorage: redisStorage } : {}),
    window: settings.general.window,
    max: settings.general.max,
    customRules: { ...settings.routes },
  };
}
