import { hash } from "node:crypto";
import type { ReplayStore } from "./replay-store.js";

/**
 * Live ids kept at most. One instance verifies at most ~4,000 agent JWTs a
 * second on a 2-core machine and keeps each id ~90 s (60 s of token life
 * and 30 s of clock skew): ~360,000 live ids. Below that, a single agent
 * sending as fast as it could filled the store, and then every agent of
 * every organization was refused (bench:api's agent part, 3,000 req/s: half
 * of the next minute's calls were 401). At ~70 bytes an id (below), the
 * whole store is ~70 MB, reached only at ~11,000 verified tokens a second.
 */
const DEFAULT_MAX_ENTRIES = 1_000_000;

/**
 * Token ids seen in the last few minutes, to refuse a replayed JWT: the
 * replay store without REDIS_URL (see replay-store.ts). ONE instance per
 * process serves every verifier. Both sides accept the protocol audiences
 * (issuer, execute URL, origin), so a token spent on one must be spent for
 * the other. In memory: with several processes a token could be replayed
 * once against a sibling within its 60 s life; set REDIS_URL for those
 * deployments (redis-replay-store.ts).
 *
 * Ids are kept as 48-bit numbers (the first 6 bytes of their SHA-256), not
 * as strings: ~70 bytes per id in the Map instead of ~230 with the
 * `agent:jti` string (measured with --expose-gc, 200,000 ids). Two
 * different ids share a number with probability 2^-48 per pair: with a million live ids, a fresh token is refused as a
 * replay about once in 280 million, and nobody can aim one at another
 * agent's tokens (they are random and include the agent's id).
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<number, number>();
  private lastSweep = Date.now();

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  /**
   * Records the id; false when it was already seen and has not expired.
   * Check and record are one synchronous step, so two concurrent requests
   * with the same token cannot both pass.
   */
  async claim(id: string, expiresAtMs: number): Promise<boolean> {
    return this.claimNow(id, expiresAtMs);
  }

  async extend(id: string, expiresAtMs: number): Promise<void> {
    const key = keyOf(id);
    const known = this.seen.get(key);
    if (known !== undefined && known < expiresAtMs) this.seen.set(key, expiresAtMs);
  }

  private claimNow(id: string, expiresAtMs: number): boolean {
    const now = Date.now();
    this.sweep(now);
    const key = keyOf(id);
    const known = this.seen.get(key);
    if (known !== undefined && known > now) return false;
    if (this.seen.size >= this.maxEntries) {
      // Full of live ids: refusing is safer than forgetting one that may come back.
      return false;
    }
    this.seen.set(key, expiresAtMs);
    return true;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(key);
  }
}

/** The id's first 48 bits of SHA-256, as a number (exact: below 2^53). */
function keyOf(id: string): number {
  return hash("sha256", id, "buffer").readUIntBE(0, 6);
}
