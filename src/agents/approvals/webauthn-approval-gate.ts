import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { Kysely } from "kysely";
import type { ProblemCode } from "../../../generated/routes.js";
import type { PasskeyProofs } from "../../auth/passkey-proof.js";
import { PASSKEYS_PAGE_PATH } from "../../config/page-paths.js";
import type { Database } from "../../db/schema.js";
import { needsPasskey } from "./approval-strength.js";
import { type ApproveBody, approvalTarget } from "./approval-target.js";

const APPROVE_PATH = "/agent/approve-capability";
const GRANT_PATH = "/agent/grant-capability";
const HOST_DEFAULTS_PATHS: ReadonlySet<string> = new Set(["/host/create", "/host/update"]);

/**
 * Capabilities marked `webauthn` (e.g. `adminRefundOrder`) are granted only
 * by an approval confirmed with one of the approver's passkeys; any other
 * capability keeps needing just a fresh signed-in session.
 *
 * Why not the plugin's `proofOfPresence`: once enabled, it asks for a passkey
 * on every approval of a new host's agent and of every capability request of
 * an active agent, whatever the capabilities' strength, so merchants without
 * a passkey could approve nothing; it also leaves `grant-capability` and host
 * default capabilities open. This gate speaks the plugin's protocol (the
 * `webauthn_response` body field, `webauthn_required` with
 * `webauthn_options`, `webauthn_not_enrolled`, `webauthn_verification_failed`)
 * and closes those two side doors.
 */
export function webauthnApprovalGate(db: Kysely<Database>, proofs: PasskeyProofs): BetterAuthPlugin {
  return {
    id: "commerce-webauthn-approval",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === APPROVE_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const body = (ctx.body ?? {}) as ApproveBody & { action?: unknown; webauthn_response?: unknown };
            if (body.action !== "approve") return;
            const target = await approvalTarget(db, body);
            if (!target) return; // the plugin answers for an unknown agent or request
            const strong = target.approving.filter(needsPasskey);
            if (strong.length === 0) return;
            const session = await getSessionFromCtx(ctx);
            if (!session) return; // the endpoint itself answers 401
            const userId = session.user.id;
            if (!(await proofs.hasPasskey(userId))) {
              throw refusal(
                "webauthn_not_enrolled",
                `Approving ${strong.join(", ")} needs a passkey, and you have none. Register one at ${PASSKEYS_PAGE_PATH}, or approve the other capabilities only.`,
              );
            }
            const request = { userId, purpose: `approve:${target.agentId}` };
            if (body.webauthn_response === undefined || body.webauthn_response === null) {
              const options = await proofs.challenge(ctx.context.internalAdapter, { ...request, scope: target.approving });
              throw new APIError("FORBIDDEN", {
                error: "webauthn_required",
                message: `Approving ${strong.join(", ")} needs your passkey: sign this challenge and send the assertion as webauthn_response.`,
                webauthn_options: options,
              });
            }
            // The passkey confirmed a selection; the approval may grant that or less, never more.
            const outcome = await proofs.verify(ctx.context.internalAdapter, request, body.webauthn_response, (shown) =>
              target.approving.every((name) => shown.includes(name)),
            );
            if (!outcome.ok) throw refusal("webauthn_verification_failed", outcome.reason);
          }),
        },
        {
          // The plugin's direct grant (any session, no approval request) would skip the passkey.
          matcher: (ctx) => ctx.path === GRANT_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const listed = (ctx.body as { capabilities?: unknown } | undefined)?.capabilities;
            const names = Array.isArray(listed)
              ? listed.map((item: unknown) => (typeof item === "string" ? item : (item as { name?: unknown } | null)?.name))
              : [];
            refuseStrong(names, "granted directly");
          }),
        },
        {
          // Host defaults are granted to the host's next agents at registration, without any approval.
          matcher: (ctx) => HOST_DEFAULTS_PATHS.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const defaults = (ctx.body as { default_capabilities?: unknown } | undefined)?.default_capabilities;
            refuseStrong(Array.isArray(defaults) ? defaults : [], "a host default");
          }),
        },
      ],
    },
  };
}

function refuseStrong(names: readonly unknown[], how: string): void {
  const strong = names.filter((name): name is string => typeof name === "string" && needsPasskey(name));
  if (strong.length === 0) return;
  throw refusal(
    "webauthn_approval_only",
    `${strong.join(", ")} cannot be ${how}: it needs an approval confirmed with a passkey (agent/approve-capability with webauthn_response).`,
  );
}

function refusal(error: ProblemCode, message: string): APIError {
  return new APIError("FORBIDDEN", { error, message });
}
