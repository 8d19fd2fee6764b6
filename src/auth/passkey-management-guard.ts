import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { PasskeyProofs } from "./passkey-proof.js";

/** Changes to a user's set of passkeys; once they have one, only a passkey may change it. */
const GUARDED_PATHS: ReadonlySet<string> = new Set(["/passkey/verify-registration", "/passkey/delete-passkey"]);

/**
 * Rules around the passkey plugin's routes:
 * - Adding or removing a passkey, for a user who already has one, needs an
 *   assertion by one of their passkeys (`webauthn_response`, challenge from a
 *   first call's `webauthn_required`). Otherwise a stolen password or session
 *   would register the thief's own passkey, or remove the owner's, and approve
 *   what needs a passkey. The first passkey needs only a fresh session (trust
 *   on first use).
 * (The plugin's passwordless sign-in is refused by the route inventory:
 * passkeys here confirm approvals on top of the password sign-in.)
 */
export function passkeyManagementGuard(proofs: PasskeyProofs): BetterAuthPlugin {
  return {
    id: "commerce-passkey-management",
    hooks: {
      before: [
        {
          matcher: (ctx) => GUARDED_PATHS.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const session = await getSessionFromCtx(ctx);
            if (!session || !(await proofs.hasPasskey(session.user.id))) return; // the endpoint answers 401, or it is the first passkey
            const request = { userId: session.user.id, purpose: "manage-passkeys" };
            const proof = (ctx.body as { webauthn_response?: unknown } | undefined)?.webauthn_response;
            if (proof === undefined || proof === null) {
              throw new APIError("FORBIDDEN", {
                error: "webauthn_required",
                message:
                  "Confirm with one of your passkeys to change your passkeys: sign this challenge and send the assertion as webauthn_response.",
                webauthn_options: await proofs.challenge(ctx.context.internalAdapter, { ...request, scope: [] }),
              });
            }
            const outcome = await proofs.verify(ctx.context.internalAdapter, request, proof, () => true);
            if (!outcome.ok) throw new APIError("FORBIDDEN", { error: "webauthn_verification_failed", message: outcome.reason });
          }),
        },
      ],
    },
  };
}
