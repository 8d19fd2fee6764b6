import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/** A LISTEN on one channel; `healthy` is false while the connection is down (notifications may be missed). */
export interface Subscription {
  readonly healthy: boolean;
  close(): Promise<void>;
}

export interface ListenHandlers {
  /** A NOTIFY arrived on the channel. */
  onNotify(): void;
  /** The connection was lost: anything cached on the strength of notifications is now suspect. */
  onLost(): void;
  /**
   * LISTEN is back after a loss. Notifications sent in the gap are gone, and
   * facts read during it may predate them: drop anything cached, again.
   */
  onRestored?(): void;
}

/** Reconnect delays: doubling from the first, capped, each a random 50–100% of its step ("equal jitter"). */
export interface ReconnectBackoff {
  readonly firstMs: number;
  readonly maxMs: number;
}

const DEFAULT_BACKOFF: ReconnectBackoff = { firstMs: 250, maxMs: 10_000 };
/** A LISTEN connection that cannot connect within this long is abandoned and retried later. */
const CONNECT_TIMEOUT_MS = 2_000;

/** The wait before reconnect attempt `attempt` (0-based). Jitter spreads many processes' reconnects after a restart. */
export function reconnectDelay(attempt: number, backoff: ReconnectBackoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const step = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(attempt, 30));
  return Math.round(step * (0.5 + random() / 2));
}

/**
 * LISTEN on PostgreSQL through a dedicated connection (a pooled one would be
 * handed to queries). A lost connection is reported at once (`onLost`,
 * `healthy` false) and retried with capped, jittered backoff until
 * `close()`; once LISTEN is back, `onRestored` runs before `healthy` turns
 * true again. Only the first connect may reject (start-up); later failures
 * are retried, never thrown, and every client has an "error" listener, so a
 * database restart cannot end the process.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  handlers: ListenHandlers,
  backoff: ReconnectBackoff = DEFAULT_BACKOFF,
): Promise<Subscription> {
  let client: pg.Client | undefined;
  let healthy = false;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (reconnecting: boolean): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    next.on("notification", (message) => {
      if (message.channel === channel) handlers.onNotify();
    });
    // Registered before connecting: an error event without a listener would end the process.
    next.on("error", () => lost(next));
    next.on("end", () => lost(next));
    try {
      await next.connect();
      await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    attempt = 0;
    // In the same tick as `healthy` turns true: no reader can see the feed up before the gap's cache is dropped.
    if (reconnecting) handlers.onRestored?.();
    healthy = true;
  };
  const lost = (which: pg.Client): void => {
    if (which !== client) return;
    healthy = false;
    client = undefined;
    handlers.onLost();
    void which.end().catch(() => undefined);
    schedule();
  };
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(retry, reconnectDelay(attempt++, backoff));
    timer.unref();
  };
  const retry = (): void => {
    if (closed) return;
    connect(true).catch(() => schedule());
  };

  await connect(false);
  return {
    get healthy() {
      return healthy && !closed;
    },
    async close() {
      closed = true;
      healthy = false;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

/** LISTEN inside the embedded database: same process, so nothing can be lost. */
export async function listenPglite(pglite: PGlite, channel: string, handlers: ListenHandlers): Promise<Subscription> {
  const unlisten = await pglite.listen(channel, () => handlers.onNotify());
  let closed = false;
  return {
    get healthy() {
      return !closed;
    },
    async close() {
      closed = true;
      if (!pglite.closed) await unlisten();
    },
  };
}
