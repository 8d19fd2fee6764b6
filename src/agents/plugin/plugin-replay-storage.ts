import type { JtiCache } from "../principal/jti-cache.js";

/** The plugin's key prefixes in its secondary storage (agent-auth 0.6.2, src/utils/jti-cache.ts and jwks-cache). */
const JTI_PREFIX = "agent-auth:jti:";
/** How long the plugin remembers an id: its JWT max age (60 s) plus its clock skew tolerance (30 s). */
const PLUGIN_REMEMBER_MS = 90_000;
/** JWKS documents the plugin caches (hosts/agents registered by jwks_url); bounded like its memory cache would be by use. */
const MAX_OTHER_ENTRIES = 10_000;

/**
 * The agent-auth plugin's replay cache is private; the only way in is the
 * "secondary storage" it is handed at init (`jtiCacheStorage:
 * "secondary-storage"`). This object is that storage, backed by the process's
 * one JtiCache, so a `jti` the plugin saw is spent for our fast path and vice
 * versa. It is given to the plugin alone: Better Auth itself gets no secondary
 * storage, so sessions and rate limits stay where they are.
 *
 * The plugin checks an id with `get` and, when unseen, records it with `set`
 * in the next statement; between the two it awaits, so two concurrent
 * requests could both read "unseen". Here `get` of a replay key claims the id
 * at once (check-and-set in one synchronous step): a second reader sees it
 * taken. Should a later plugin version `get` without `set`, the id is merely
 * spent (a false refusal, never a replay).
 *
 * Any other key (the JWKS cache, which shares the storage) is kept in a plain
 * TTL map: the same lifetime the plugin's memory cache gives it.
 */
export class PluginReplayStorage {
  private readonly other = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly jtis: JtiCache) {}

  get(key: string): string | null {
    if (key.startsWith(JTI_PREFIX)) {
      return this.jtis.claim(key.slice(JTI_PREFIX.length), Date.now() + PLUGIN_REMEMBER_MS) ? null : "1";
    }
    const entry = this.other.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.other.delete(key);
      return null;
    }
    return entry.value;
  }

  set(key: string, value: string, ttlSeconds?: number): void {
    const expiresAt = Date.now() + (ttlSeconds ?? PLUGIN_REMEMBER_MS / 1000) * 1000;
    if (key.startsWith(JTI_PREFIX)) {
      // Normally already claimed by get; claim covers a set without get, extend a longer TTL.
      const id = key.slice(JTI_PREFIX.length);
      if (this.jtis.claim(id, expiresAt)) return;
      this.jtis.extend(id, expiresAt);
      return;
    }
    if (this.other.size >= MAX_OTHER_ENTRIES) this.other.delete(this.other.keys().next().value!);
    this.other.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    // Spent ids are never un-spent; only cached documents can be dropped.
    this.other.delete(key);
  }

  getAndDelete(key: string): string | null {
    const value = this.get(key);
    this.delete(key);
    return value;
  }

  increment(): never {
    throw new Error("PluginReplayStorage serves the agent-auth plugin's replay and JWKS caches only.");
  }
}
