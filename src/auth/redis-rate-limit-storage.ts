import type { BetterAuthOptions } from "better-auth";
import type { Redis } from "ioredis";
import type { Logger } from "../logging/logger.js";

type RateLimitStorage = NonNullable<NonNullable<BetterAuthOptions["rateLimit"]>["customStorage"]>;

/**
 * One request counted against a fixed window, atomically: the first request
 * of a window creates the counter with the window as its lifetime. Returns
 * the count and the seconds left in the window.
 */
const CONSUME_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }
`;

/**
 * Better Auth's per-address limits on Redis (REDIS_URL), shared by every
 * instance: Better Auth's own "secondary-storage" limiter shape (a fixed
 * window per key, check and count in one step), given as `customStorage` so
 * that Better Auth gets no secondary storage and sessions and verification
 * values stay in PostgreSQL (see docs/SECURITY.md "State: where it lives").
 *
 * Redis unreachable: the request is let through (fail open) and one line is
 * logged per outage. The limits that guard credentials do not depend on it:
 * the per-account sign-in lock lives in PostgreSQL (sign-in-lockout.ts).
 */
export function redisRateLimitStorage(redis: Redis, prefix: string, logger: Logger): RateLimitStorage {
  let failing = false;
  return {
    async consume(key, rule) {
      try {
        const [count, ttl] = (await redis.eval(CONSUME_SCRIPT, 1, prefix + key, String(Math.max(1, Math.ceil(rule.window))))) as [
          number,
          number,
        ];
        failing = false;
        return count <= rule.max ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: Math.max(1, ttl) };
      } catch (error) {
        if (!failing) {
          failing = true;
          logger.warn(
            { err: { name: (error as Error).name, message: (error as Error).message } },
            "rate limits not enforced: redis unreachable",
          );
        }
        return { allowed: true, retryAfter: null };
      }
    },
  };
}
