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
}

/**
 * LISTEN on PostgreSQL through a dedicated connection (a pooled one would be
 * handed to queries). A lost connection is reported at once and retried
 * every second until `close()`.
 */
export async function listenPostgres(url: string, channel: string, handlers: ListenHandlers): Promise<Subscription> {
  let client: pg.Client | undefined;
  let healthy = false;
  let closed = false;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (message.channel === channel) handlers.onNotify();
    });
    next.on("error", () => lost(next));
    next.on("end", () => lost(next));
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    client = next;
    healthy = true;
  };
  const lost = (which: pg.Client): void => {
    if (which !== client) return;
    healthy = false;
    client = undefined;
    handlers.onLost();
    if (!closed) setTimeout(retry, 1000).unref();
  };
  const retry = (): void => {
    if (closed) return;
    connect().catch(() => setTimeout(retry, 1000).unref());
  };

  await connect();
  return {
    get healthy() {
      return healthy && !closed;
    },
    async close() {
      closed = true;
      healthy = false;
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
