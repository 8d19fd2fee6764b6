import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { Kysely } from "kysely";
import { capabilities, isCapabilityName } from "../../generated/capabilities.js";
import { scopesOfRole } from "../auth/membership.js";
import type { Database } from "../db/schema.js";
import { agentMembership, pinnedOrganization } from "./agent-auth-plugin.js";
import { MAX_USER_CODE_FAILURES, recordUserCodeFailure, userCodeFailures } from "./approval-code-failures.js";
import { parseJsonColumn } from "../db/json-column.js";
import { truthfulAgentStatus } from "./truthful-status.js";

const APPROVE_PATH = "/agent/approve-capability";

interface ApproveBody {
  agent_id?: unknown;
  approval_id?: unknown;
  action?: unknown;
  capabilities?: unknown;
}

/**
 * Our rules around the plugin's approval endpoint, enforced as Better Auth
 * hooks so they hold for the device page and for direct HTTP calls alike:
 * - admin capabilities can be approved only by an owner or admin of the store
 *   the agent will act for;
 * - a CIBA request addressed to a user can be approved only by that user;
 * - wrong user codes are counted per approval request: after 5 the request is
 *   dead (pending grants denied, a pending agent rejected).
 * Also makes every agent-auth refusal carry a truthful status (see truthful-status.ts).
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
            const agentId = typeof body.agent_id === "string" ? body.agent_id : request?.agentId;
            if (!agentId) return;
            if ((await userCodeFailures(db, agentId)) >= MAX_USER_CODE_FAILURES) {
              throw refusal("user_code_attempts_exceeded", "Too many wrong user codes: this approval request is closed. The agent must register or request again.");
            }
            if (body.action !== "approve") return;
            const session = await getSessionFromCtx(ctx);
            if (!session) return; // the endpoint itself answers 401
            if (request?.method === "ciba" && request.userId && request.userId !== session.user.id) {
              throw refusal("not_the_addressee", "This approval request was sent to another user.");
            }
            await assertMayApproveAdmin(db, agentId, session.user.id, body.capabilities);
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === APPROVE_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const returned: unknown = ctx.context.returned;
            if (!(returned instanceof APIError) || (returned.body as { error?: unknown } | undefined)?.error !== "invalid_user_code") return;
            const body = (ctx.body ?? {}) as ApproveBody;
            const agentId = typeof body.agent_id === "string" ? body.agent_id : (await approvalRequestOf(db, body))?.agentId;
            if (agentId) await recordUserCodeFailure(db, agentId);
          }),
        },
        truthfulAgentStatus,
      ],
    },
  };
}

/** The approval request named by `approval_id`, if any (one read serves the agent lookup and the CIBA check). */
async function approvalRequestOf(db: Kysely<Database>, body: ApproveBody) {
  if (typeof body.approval_id !== "string") return undefined;
  return db.selectFrom("approvalRequest").select(["agentId", "method", "userId"]).where("id", "=", body.approval_id).executeTakeFirst();
}

/** Admin capabilities need an owner/admin of the store the agent will act for (its pinned store, else the user's only one). */
async function assertMayApproveAdmin(db: Kysely<Database>, agentId: string, userId: string, chosen: unknown): Promise<void> {
  const approving = Array.isArray(chosen) ? chosen.filter((item): item is string => typeof item === "string") : await pendingCapabilities(db, agentId);
  const adminCapabilities = approving.filter((name) => isCapabilityName(name) && capabilities[name].scope === "admin");
  if (adminCapabilities.length === 0) return;
  const agent = await db.selectFrom("agent").select("metadata").where("id", "=", agentId).executeTakeFirst();
  const pinned = pinnedOrganization(parseJsonColumn(agent?.metadata));
  const memberships = await db.selectFrom("member").select(["organizationId", "role"]).where("userId", "=", userId).execute();
  const store = agentMembership(memberships, pinned);
  if (!store || !scopesOfRole(store.role).has("admin")) {
    throw refusal(
      "admin_approval_requires_admin",
      `Only an owner or admin of the store can approve admin capabilities (${adminCapabilities.join(", ")}). Approve the other capabilities only, or ask an owner or admin.`,
    );
  }
}

async function pendingCapabilities(db: Kysely<Database>, agentId: string): Promise<string[]> {
  const grants = await db.selectFrom("agentCapabilityGrant").select("capability").where("agentId", "=", agentId).where("status", "=", "pending").execute();
  return grants.map((grant) => grant.capability);
}

function refusal(error: string, message: string): APIError {
  return new APIError("FORBIDDEN", { error, message });
}
