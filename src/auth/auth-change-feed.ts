import type { DatabaseHandle } from "../db/create-database.js";
import { AUTH_CHANGED_CHANNEL } from "../db/migrations/0003-auth-change-notifications.js";
import type { Subscription } from "../db/notifications.js";
import type { ChangeFeed } from "./api-key-principal.js";

/** A cache of auth facts that must forget everything when they may have changed. */
export interface AuthFactsCache {
  useChangeFeed(feed: ChangeFeed): void;
  invalidateAll(): void;
}

/**
 * Connects the principal caches (API keys, agents) to the database's
 * auth-change notifications: every NOTIFY drops their cached facts, and they
 * reuse facts only while the feed is up. A lost LISTEN connection drops them
 * too (the caches then re-read every request until it is back), and so does
 * its return: a change committed in the gap sent a notification nobody
 * heard, and a fact read before that change may have been cached in the gap.
 */
export async function startAuthChangeFeed(database: DatabaseHandle, caches: readonly AuthFactsCache[]): Promise<Subscription> {
  const invalidate = () => {
    for (const cache of caches) cache.invalidateAll();
  };
  const subscription = await database.listen(AUTH_CHANGED_CHANNEL, { onNotify: invalidate, onLost: invalidate, onRestored: invalidate });
  for (const cache of caches) cache.useChangeFeed(subscription);
  return subscription;
}
