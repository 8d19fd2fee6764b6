import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";

/**
 * Deletes idempotency keys past their 24 h lifetime, in every store: a
 * maintenance task, not a tenant query, hence the bare Kysely. Expired keys
 * are already ignored (and overwritten on reuse); this only keeps the table
 * from growing forever. Returns how many rows went.
 */
export async function purgeExpiredIdempotencyKeys(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom("idempotency_keys").where("expires_at", "<=", sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Runs the purge every `intervalMs` (default hourly) until the returned stop function is called. */
export function schedulePurge(db: Kysely<Database>, onError: (error: unknown) => void, intervalMs = 60 * 60 * 1000): () => void {
  const timer = setInterval(() => {
    purgeExpiredIdempotencyKeys(db).catch(onError);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
