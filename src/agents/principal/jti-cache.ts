/**
 * Token ids seen in the last few minutes, to refuse a replayed JWT. ONE
 * instance per process serves every verifier: our fast path (/v1 and
 * capability/execute), the agent-auth plugin (through plugin-replay-storage.ts)
 * and the host JWT guard. Both sides accept the protocol audiences (issuer,
 * execute URL, origin), so a token spent on one must be spent for the other.
 * Keys: `<agentId>:<jti>` for agent JWTs, `host:<hostId>:<jti>` for host JWTs
 * (the plugin's own key shapes). In memory: with several processes a token
 * could be replayed once against a sibling within its 60 s life (the plugin's
 * default cache has the same limit; a Redis store is the scale-out work).
 */
export class JtiCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(private readonly maxEntries = 200_000) {}

  /**
   * Records the id; false when it was already seen and has not expired.
   * Check and record are one synchronous step, so two concurrent requests
   * with the same token cannot both pass.
   */
  claim(id: string, expiresAtMs: number): boolean {
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

  /** Keeps a claimed id at least until `expiresAtMs` (never shortens). */
  extend(id: string, expiresAtMs: number): void {
    const known = this.seen.get(id);
    if (known !== undefined && known < expiresAtMs) this.seen.set(id, expiresAtMs);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [id, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(id);
  }
}
