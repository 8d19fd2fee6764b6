import { createHash } from "node:crypto";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../db/schema.js";
import type { AccountLockoutRule } from "./rate-limits.js";
import { beginSignInAttempt, clearSignInFailures, recordSignInFailure, withdrawSignInAttempt } from "./sign-in-failures.js";

const SIGN_IN_PATH = "/sign-in/email";
/** Better Auth's code for a wrong password and for an unknown email alike. */
const WRONG_CREDENTIALS = "INVALID_EMAIL_OR_PASSWORD";
export const ACCOUNT_LOCKED = "TOO_MANY_FAILED_SIGN_INS";

/**
 * Per-account limit on password guessing, beside the per-address limiter:
 * after `maxFailures` failed sign-ins for one email within `windowSeconds`,
 * from any addresses, password sign-in for that email is refused (429 with
 * Retry-After) for `lockSeconds`. Hooks, so it holds for HTTP calls, the
 * merchant sign-in page and `auth.api.signInEmail` alike.
 *
 * The trade-off, chosen: during the lock even the right password is refused.
 * Letting it through would make the lock an oracle (the guess that gets 200
 * instead of 429 is the password), so it would stop nothing. The price is that
 * whoever knows an email can keep its password sign-in locked; that is
 * bounded: only failures count (a success resets the count), the lock lifts
 * on its own and is not extended by attempts made during it, so keeping an
 * account locked costs the attacker a fresh round of guesses every cool-off,
 * each spent against the per-address limits; existing sessions, API keys
 * and agents keep working. Unknown emails are counted alike, so the 429 does
 * not tell who has an account.
 */
export function signInLockout(db: Kysely<Database>, rule: AccountLockoutRule): BetterAuthPlugin {
  return {
    id: "commerce-sign-in-lockout",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === SIGN_IN_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const email = accountOf(ctx.body);
            if (!email) return; // Better Auth refuses it (400) without checking a password
            const attempt = await beginSignInAttempt(db, email, rule);
            if (attempt.lockedForSeconds !== null) throw lockedOut(attempt.lockedForSeconds);
            // More attempts in flight than the limit allows: refuse the excess unchecked.
            if (attempt.counted > rule.maxFailures) throw lockedOut(rule.lockSeconds);
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === SIGN_IN_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const email = accountOf(ctx.body);
            if (!email) return;
            // (Not reached when a before hook refused the attempt: Better Auth runs no after hooks then.)
            const returned: unknown = ctx.context.returned;
            if (!(returned instanceof APIError)) await clearSignInFailures(db, email);
            else if ((returned.body as { code?: unknown } | undefined)?.code === WRONG_CREDENTIALS)
              await recordSignInFailure(db, email, rule);
            else await withdrawSignInAttempt(db, email);
          }),
        },
      ],
    },
  };
}

const emailSchema = z.email();
/** Longest address SMTP allows; longer ones are counted under a digest (a btree key over ~2.7 kB fails the insert). */
const LONGEST_EMAIL = 254;

/** The account a sign-in names, as Better Auth looks it up (lower-cased); undefined when it would refuse the email itself. */
function accountOf(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | undefined)?.email;
  if (typeof email !== "string" || !emailSchema.safeParse(email).success) return undefined;
  const account = email.toLowerCase();
  return account.length <= LONGEST_EMAIL ? account : `sha256:${createHash("sha256").update(account).digest("hex")}`;
}

function lockedOut(seconds: number): APIError {
  const minutes = Math.ceil(seconds / 60);
  return new APIError(
    "TOO_MANY_REQUESTS",
    {
      code: ACCOUNT_LOCKED,
      message: `Too many failed sign-ins for this account. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    },
    { "Retry-After": String(seconds) },
  );
}
