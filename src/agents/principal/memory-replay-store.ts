import type { ReplayStore } from "./replay-store.js";

/**
 * Token ids seen in the last few minutes, to refuse a replayed JWT: the
 * replay store without REDIS_URL (see replay-store.ts). ONE instance per
 * process serves every verifier. Both sides accept the protocol audiences
 * (issuer, execute URL, origin), so a token spent on one must be spent for
 * the other. In memory: with several processes a token could be replayed
 * once against a sibling within its 60 s life; set REDIS_URL for those
 * deployments (redis-replay-store.ts).
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(private readonly maxEntries = 200_000) {}

  /**
   * Records the id; false when it was already seen and has not expired.
   * Check and record are one synchronous step, so two concurrent requests
   * with the same token cannot both pass.
   */
  async claim(id: string, expiresAtMs: number): Promise<boolean> {
    return this.claimNow(id, expiresAtMs);
  }

  async extend(id: string, expiresAtMs: number): Promise<void> {
    const known = this.seen.get(id);
    if (known !== undefined && known < expiresAtMs) this.seen.set(id, expiresAtMs);
  }

  private claimNow(id: string, expiresAtMs: number): boolean {
    const now = Date.now();
    this.sweep(now);
    const known = this.seen.get(id);
    if (known !== undefined && known > now) return false;
    if (this.seen.size >= this.maxEntries) {
      // Full of live ids: refusing is safer than forgetting one that may come back.
      return false;
    }
    this.seen.set(id, expiresAtMs);
    return true;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [id, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(id);
  }
}
