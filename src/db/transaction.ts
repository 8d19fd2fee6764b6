import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { Db } from "./tenant.js";

/**
 * Runs `work` in a transaction, or in the caller's when `db` already is one,
 * so services compose: the idempotency wrapper opens the transaction and the
 * order service it wraps runs inside it.
 */
export async function inTransaction<R>(db: Db, work: (tx: Db) => Promise<R>): Promise<R> {
  if (db.isTransaction) return work(db);
  return (db as Kysely<Database>).transaction().execute(work);
}
