import type { Redis } from "ioredis";
import { type ReplayStore, ReplayStoreUnavailable } from "./replay-store.js";

/** Shortest time an id is kept: a token is never remembered for less, whatever clock skew made of its expiry. */
const MIN_TTL_MS = 1_000;

/**
 * The replay store on Redis (REDIS_URL): a jti used on any instance is
 * refused on all. A claim is one atomic `SET <prefix><id> 1 NX PX <ttl>`:
 * "OK" = first use, nil = replay. Redis keeps the key for the token's
 * remaining life and drops it by itself. When Redis does not answer (down,
 * timeout, not yet connected) the claim throws ReplayStoreUnavailable: the
 * token is refused with 503, never accepted unchecked (fail closed; see
 * docs/SECURITY.md "State: where it lives").
 */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: Redis,
    /** Namespaces the keys (REDIS_KEY_PREFIX + "jti:"), so deployments or test files sharing a Redis do not meet. */
    private readonly prefix: string,
  ) {}

  async claim(id: string, expiresAtMs: number): Promise<boolean> {
    const ttl = Math.max(MIN_TTL_MS, Math.ceil(expiresAtMs - Date.now()));
    try {
      return (await this.redis.set(this.prefix + id, "1", "PX", ttl, "NX")) === "OK";
    } catch (error) {
      throw new ReplayStoreUnavailable(error);
    }
  }

  async extend(id: string, expiresAtMs: number): Promise<void> {
    const ttl = Math.max(MIN_TTL_MS, Math.ceil(expiresAtMs - Date.now()));
    try {
      // GT: only ever lengthens; a missing key is left missing.
      await this.redis.pexpire(this.prefix + id, ttl, "GT");
    } catch (error) {
      throw new ReplayStoreUnavailable(error);
    }
  }
}
