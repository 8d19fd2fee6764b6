import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { cibaGuard } from "../plugin/guards/ciba-guard.js";
import { grantGuard } from "../plugin/guards/grant-guard.js";
import { hostGuard } from "../plugin/guards/host-guard.js";
import { merchantExpiryGuard } from "../plugin/guards/merchant-expiry-guard.js";
import { refusal } from "../plugin/guards/refusal.js";
import {
  adminCapabilities,
  capabilityNamesOf,
  managesStore,
  membershipsOf,
  pinnedOrganizationOfRow,
} from "../plugin/guards/store-access.js";
import { storePinGuard } from "../plugin/guards/store-pin-guard.js";
import { truthfulAgentStatus } from "../plugin/truthful-status.js";
import { agentMembership } from "../principal/store-of-agent.js";
import { MAX_USER_CODE_FAILURES, recordUserCodeFailure, userCodeFailures } from "./approval-code-failures.js";
import { type ApprovalRequestRow, type ApproveBody, approvalRequestOf, capabilitiesShown } from "./approval-target.js";
import { pendingCodeRequests, userCodeMatches } from "./user-code.js";

const APPROVE_PATH = "/agent/approve-capability";

/**
 * Our rules around the plugin's approval endpoint, enforced as Better Auth
 * hooks so they hold for the pages and for direct HTTP calls alike:
 * - a decision (approve *or* deny) needs the proof the request asked for: the
 *   user code of a device request, or being the addressee of a CIBA request;
 *   without a live request, only the agent's own user may decide;
 * - `approval_id` and `agent_id`, when both given, must name the same agent;
 * - an approval activates only what the request showed (a CIBA request's
 *   listed capabilities, else the agent's pending grants);
 * - admin capabilities only by an owner/admin of the agent's store, and never
 *   for a store the approver is not a member of;
 * - wrong user codes are counted per approval request: after 5 the request is
 *   dead (pending grants denied, a pending agent rejected).
 * The guards of the other granting and host endpoints live in `../plugin/guards/`.
 * Also makes every agent-auth refusal carry a truthful status (see truthful-status.ts);
 * its body becomes a protocol problem on the way out (protocol-problem.ts).
 */
export function approvalPolicy(db: Kysely<Database>): BetterAuthPlugin {
  return {
    id: "commerce-approval-policy",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === APPROVE_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const body = (ctx.body ?? {}) as ApproveBody;
            const request = await approvalRequestOf(db, body);
            if (typeof body.approval_id === "string" && !request) return; // the plugin answers 404
            if (request && typeof body.agent_id === "string" && body.agent_id !== request.agentId) {
              throw refusal("approval_mismatch", "agent_id and approval_id name different agents.", "BAD_REQUEST");
            }
            const agentId = request?.agentId ?? (typeof body.agent_id === "string" ? body.agent_id : undefined);
            if (!agentId) return; // the plugin answers 400
            if ((await userCodeFailures(db, agentId)) >= MAX_USER_CODE_FAILURES) {
              throw refusal(
                "user_code_attempts_exceeded",
                "Too many wrong user codes: this approval request is closed. The agent must register or request again.",
              );
            }
            const session = await getSessionFromCtx(ctx);
            if (!session) return; // the endpoint itself answers 401
            const agent = await db.selectFrom("agent").select(["userId", "metadata"]).where("id", "=", agentId).executeTakeFirst();
            if (!agent) return; // the plugin answers 404
            await assertProof(db, { agentId, agentUserId: agent.userId, userId: session.user.id, request, body });
            if (body.action !== "approve") return;

            const shown = await capabilitiesShown(db, agentId, request);
            const chosen = capabilityNamesOf(body.capabilities);
            const notShown = (chosen ?? []).filter((name) => !shown.includes(name));
            if (notShown.length > 0) {
              throw refusal(
                "capability_not_requested",
                `This request does not ask for ${notShown.join(", ")}: approve only what the agent asked for.`,
                "BAD_REQUEST",
              );
            }
            const approving = chosen ?? shown;
            await assertMayApprove(db, agent, session.user.id, approving);
            // Without an explicit subset the plugin would activate every pending grant, including ones this request never showed.
            if (!chosen) return { context: { body: { ...body, capabilities: approving } } };
          }),
        },
        grantGuard(db),
        hostGuard(db),
        cibaGuard(db),
        storePinGuard(db),
        merchantExpiryGuard(db),
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === APPROVE_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const returned: unknown = ctx.context.returned;
            if (!(returned instanceof APIError) || (returned.body as { error?: unknown } | undefined)?.error !== "invalid_user_code")
              return;
            const body = (ctx.body ?? {}) as ApproveBody;
            const agentId = (await approvalRequestOf(db, body))?.agentId ?? (typeof body.agent_id === "string" ? body.agent_id : undefined);
            if (agentId) await recordUserCodeFailure(db, agentId);
          }),
        },
        truthfulAgentStatus,
      ],
    },
  };
}

interface ProofFacts {
  readonly agentId: string;
  readonly agentUserId: string | null;
  readonly userId: string;
  readonly request: ApprovalRequestRow | undefined;
  readonly body: ApproveBody;
}

/**
 * The decider proves the request is theirs to decide: the CIBA addressee,
 * the holder of the device request's user code (checked here for a deny,
 * which the plugin does without a code; by the plugin for an approval), or,
 * with no live request, the agent's own user.
 */
async function assertProof(db: Kysely<Database>, { agentId, agentUserId, userId, request, body }: ProofFacts): Promise<void> {
  if (request) {
    if (request.status !== "pending" || request.expiresAt.getTime() < Date.now()) {
      throw refusal("approval_not_pending", "This approval request was already decided or has expired.");
    }
    if (request.method === "ciba") {
      if (request.userId !== userId) throw refusal("not_the_addressee", "This approval request was sent to another user.");
      return;
    }
  }
  if ((await pendingCodeRequests(db, agentId)).length > 0) {
    if (body.action === "approve") return; // the plugin checks the code and the after-hook counts failures
    const code = typeof body.user_code === "string" ? body.user_code : "";
    if (code && (await userCodeMatches(db, agentId, code))) return;
    await recordUserCodeFailure(db, agentId);
    throw refusal("invalid_user_code", "Denying needs the request's user code, like approving.");
  }
  if (agentUserId === userId) return;
  const addressed = await db
    .selectFrom("approvalRequest")
    .select("id")
    .where("agentId", "=", agentId)
    .where("method", "=", "ciba")
    .where("status", "=", "pending")
    .where("userId", "=", userId)
    .where("expiresAt", ">", new Date())
    .executeTakeFirst();
  if (!addressed) {
    throw refusal(
      "approval_not_found",
      "No approval request of this agent is waiting for you: use the link or code the agent showed you.",
      "NOT_FOUND",
    );
  }
}

/** The approver must belong to the agent's pinned store; admin capabilities need its owner/admin (the only store when none is pinned). */
async function assertMayApprove(
  db: Kysely<Database>,
  agent: { metadata: string | null },
  userId: string,
  approving: readonly string[],
): Promise<void> {
  const pinned = pinnedOrganizationOfRow(agent);
  const memberships = await membershipsOf(db, userId);
  if (pinned && !memberships.some((membership) => membership.organizationId === pinned)) {
    throw refusal("not_a_member", "This agent is pinned to a store you are not a member of.");
  }
  const admin = adminCapabilities(approving);
  if (admin.length === 0) return;
  if (!managesStore(agentMembership(memberships, pinned))) {
    throw refusal(
      "admin_approval_requires_admin",
      `Only an owner or admin of the store can approve admin capabilities (${admin.join(", ")}). Approve the other capabilities only, or ask an owner or admin.`,
    );
  }
}
