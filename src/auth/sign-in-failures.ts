import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import type { AccountLockoutRule } from "./rate-limits.js";

export interface SignInAttempt {
  /** Attempts counted in the window so far, this one included (0 while locked: not counted). */
  readonly counted: number;
  /** Seconds until the lock lifts; null when the account is not locked. */
  readonly lockedForSeconds: number | null;
}

/**
 * Counts a password sign-in for the account before its password is checked,
 * in one statement: concurrent attempts each see the others, so a flood of
 * parallel guesses from many addresses cannot all slip under the limit
 * before the first failure lands. The count stands as a failure unless the
 * outcome says otherwise (clearSignInFailures, withdrawSignInAttempt).
 * A locked account's attempts are not counted, so the lock never extends
 * itself; once a lock or the window is over, counting starts afresh.
 */
export async function beginSignInAttempt(db: Kysely<Database>, email: string, rule: AccountLockoutRule): Promise<SignInAttempt> {
  const locked = sql`f.locked_until > now()`;
  const expired = sql`(f.locked_until is not null or f.window_started_at <= now() - make_interval(secs => ${rule.windowSeconds}))`;
  const { rows } = await sql<{ failures: number; locked_for: number | null }>`
    insert into sign_in_failures as f (email, failures, window_started_at, locked_until, updated_at)
    values (${email}, 1, now(), null, now())
    on conflict (email) do update set
      failures = case when ${locked} then f.failures when ${expired} then 1 else f.failures + 1 end,
      window_started_at = case when ${locked} then f.window_started_at when ${expired} then now() else f.window_started_at end,
      locked_until = case when ${locked} then f.locked_until else null end,
      updated_at = now()
    returning failures, ceil(extract(epoch from (locked_until - now())))::integer as locked_for`.execute(db);
  const row = rows[0]!;
  const lockedFor = row.locked_for === null ? null : Math.max(1, Number(row.locked_for));
  return { counted: lockedFor === null ? Number(row.failures) : 0, lockedForSeconds: lockedFor };
}

/**
 * A wrong password (or unknown email): the attempt stays counted; at the
 * limit the lock engages for `lockSeconds`. Also purges rows whose window
 * and lock are both over, so counters for made-up emails do not pile up.
 */
export async function recordSignInFailure(db: Kysely<Database>, email: string, rule: AccountLockoutRule): Promise<void> {
  await db
    .updateTable("sign_in_failures")
    .set({ locked_until: sql`now() + make_interval(secs => ${rule.lockSeconds})`, updated_at: sql`now()` })
    .where("email", "=", email)
    .where("failures", ">=", rule.maxFailures)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", sql<Date>`now()`)]))
    .execute();
  await db
    .deleteFrom("sign_in_failures")
    .where("updated_at", "<", sql<Date>`now() - make_interval(secs => ${Math.max(rule.windowSeconds, rule.lockSeconds)})`)
    .execute();
}

/** The right password: the account's count starts over. */
export async function clearSignInFailures(db: Kysely<Database>, email: string): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("email", "=", email).execute();
}

/** Neither right nor wrong (e.g. the session could not be created): the attempt is not held against the account. */
export async function withdrawSignInAttempt(db: Kysely<Database>, email: string): Promise<void> {
  await db
    .updateTable("sign_in_failures")
    .set({ failures: sql`greatest(failures - 1, 0)` })
    .where("email", "=", email)
    .where("locked_until", "is", null)
    .execute();
}
