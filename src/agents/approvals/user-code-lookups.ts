import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema.js";

/** Wrong code-only lookups a user may make per window before the device page stops answering them. */
export const MAX_CODE_LOOKUP_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

/** Whether the user used up their wrong code-only lookups for the current window. */
export async function codeLookupsExhausted(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("user_code_lookup_failures")
    .select(["failures", "window_started_at"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return !!row && row.failures >= MAX_CODE_LOOKUP_FAILURES && Date.now() - row.window_started_at.getTime() < WINDOW_MS;
}

/** Counts one wrong code-only lookup; a window older than 15 minutes starts over. */
export async function recordCodeLookupFailure(db: Kysely<Database>, userId: string): Promise<void> {
  const windowStart = new Date(Date.now() - WINDOW_MS);
  await db
    .insertInto("user_code_lookup_failures")
    .values({ user_id: userId, failures: 1 })
    .onConflict((conflict) =>
      conflict.column("user_id").doUpdateSet({
        failures: sql`case when user_code_lookup_failures.window_started_at < ${windowStart} then 1 else user_code_lookup_failures.failures + 1 end`,
        window_started_at: sql`case when user_code_lookup_failures.window_started_at < ${windowStart} then now() else user_code_lookup_failures.window_started_at end`,
      }),
    )
    .execute();
}
