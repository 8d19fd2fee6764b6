import { Redis } from "ioredis";
import type { Logger } from "../logging/logger.js";

/** Longest wait for a command or a connection: a down Redis must answer in well under a second, never hang a request. */
const COMMAND_TIMEOUT_MS = 300;
const CONNECT_TIMEOUT_MS = 500;
/** Reconnection backoff: quick at first, at most every 2 s while Redis is away. */
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisHandle {
  readonly client: Redis;
  /** Connects (or gives up after CONNECT_TIMEOUT_MS: the app starts without Redis and reconnects in the background). */
  connect(): Promise<void>;
  /** Whether Redis answers a PING now (within COMMAND_TIMEOUT_MS); false at once while disconnected. For /readyz. */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The process's one Redis client (REDIS_URL): the replay store and Better
 * Auth's rate limiter share it (Better Auth gets no secondary storage:
 * sessions stay in PostgreSQL, see auth/redis-rate-limit-storage.ts). Commands never
 * queue while disconnected (enableOfflineQueue false) and never retry
 * (maxRetriesPerRequest 0): each fails at once or within COMMAND_TIMEOUT_MS,
 * and each use decides what a failure means (see docs/SECURITY.md "State:
 * where it lives"). The connection is logged when lost and regained, once each.
 */
export function createRedisClient(url: string, logger: Logger): RedisHandle {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
  });
  let up = true;
  client.on("error", (error: Error) => {
    if (!up) return;
    up = false;
    logger.warn({ err: { name: error.name, message: error.message } }, "redis unreachable");
  });
  client.on("ready", () => {
    if (up) return;
    up = true;
    logger.info("redis reachable again");
  });
  let closed = false;
  return {
    client,
    async connect() {
      // A connect failure is already logged by the error event; reconnection goes on in the background.
      await client.connect().catch(() => undefined);
    },
    async reachable() {
      if (client.status !== "ready") return false;
      return client.ping().then(
        (answer) => answer === "PONG",
        () => false,
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
