import type { ReplayStore } from "../principal/replay-store.js";

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
 * one replay store (memory, or Redis with REDIS_URL), so a `jti` the plugin
 * saw is spent for our fast path and vice versa. It is given to the plugin
 * alone, in place of Better Auth's own secondary storage when there is one
 * (see agent-auth-plugin.ts).
 *
 * The plugin checks an id with `get` and, when unseen, records it with `set`
 * in the next statement; between the two it awaits, so two concurrent
 * requests could both read "unseen". Here `get` of a replay key claims the id
 * at once (the store's atomic check-and-set): a second reader sees it taken.
 * Should a later plugin version `get` without `set`, the id is merely spent
 * (a false refusal, never a replay). A store that cannot answer throws
 * ReplayStoreUnavailable out of the plugin's check: 503, never an unchecked pass.
 *
 * Any other key (the JWKS cache, which shares the storage) is kept in a plain
 * TTL map in this process: the same lifetime the plugin's memory cache gives
 * it (a public document, refetched by a sibling at worst).
 */
export class PluginReplayStorage {
  private readonly other = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly jtis: ReplayStore) {}

  async get(key: string): Promise<string | null> {
    if (key.startsWith(JTI_PREFIX)) {
      return (await this.jtis.claim(key.slice(JTI_PREFIX.length), Date.now() + PLUGIN_REMEMBER_MS)) ? null : "1";
    }
    const entry = this.other.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.other.delete(key);
      return null;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const expiresAt = Date.now() + (ttlSeconds ?? PLUGIN_REMEMBER_MS / 1000) * 1000;
    if (key.startsWith(JTI_PREFIX)) {
      // Normally already claimed by get (for PLUGIN_REMEMBER_MS); claim covers a set without get,
      // extend only a longer TTL than get's (the plugin's 90 s equals it: no third round trip to a shared store).
      const id = key.slice(JTI_PREFIX.length);
      if (await this.jtis.claim(id, expiresAt)) return;
      if ((ttlSeconds ?? 0) * 1000 > PLUGIN_REMEMBER_MS) await this.jtis.extend(id, expiresAt);
      return;
    }
    if (this.other.size >= MAX_OTHER_ENTRIES) this.other.delete(this.other.keys().next().value!);
    this.other.set(key, { value, expiresAt });
  }

  async delete(key: string): Promise<void> {
    // Spent ids are never un-spent; only cached documents can be dropped.
    this.other.delete(key);
  }

  async getAndDelete(key: string): Promise<string | null> {
    const value = await this.get(key);
    await this.delete(key);
    return value;
  }

  increment(): never {
    throw new Error("PluginReplayStorage serves the agent-auth plugin's replay and JWKS caches only.");
  }
}
