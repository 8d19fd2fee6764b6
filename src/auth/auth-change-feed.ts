import type { DatabaseHandle } from "../db/create-database.js";
import { AUTH_CHANGED_CHANNEL } from "../db/migrations/0003-auth-change-notifications.js";
import type { Subscription } from "../db/notifications.js";
import type { ApiKeyResolver } from "./api-key-principal.js";

/**
 * Connects the API key resolver to the database's auth-change notifications:
 * every NOTIFY (and any loss of the LISTEN connection) drops the cached
 * principals, and the resolver reuses principals only while the feed is up.
 */
export async function startAuthChangeFeed(database: DatabaseHandle, apiKeys: ApiKeyResolver): Promise<Subscription> {
  const subscription = await database.listen(AUTH_CHANGED_CHANNEL, {
    onNotify: () => apiKeys.invalidateAll(),
    onLost: () => apiKeys.invalidateAll(),
  });
  apiKeys.useChangeFeed(subscription);
  return subscription;
}
