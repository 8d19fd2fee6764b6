/**
 * Token ids seen in the last few minutes, to refuse a replayed agent JWT.
 * In memory, per process: a token's audience (`<api>/v1`) is accepted only
 * by this API's fast path, so no other verifier needs to know its ids; with
 * several processes a token could be replayed once against a sibling, within
 * its 60 s life (the plugin's own default cache has the same limit).
 */
export class JtiCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(private readonly maxEntries = 200_000) {}

  /** Records the id; false when it was already seen and has not expired. */
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

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [id, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(id);
  }
}
