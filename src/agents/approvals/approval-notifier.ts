import type { AgentAuthEvent } from "@better-auth/agent-auth";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Logger } from "../../logging/logger.js";
import { describeCapability } from "../discovery/capability-description.js";
import type { ApprovalNotice } from "./approval-notice.js";
import { postApprovalWebhook } from "./approval-webhook.js";

export type { ApprovalNotice };

export interface ApprovalNotifierOptions {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Absolute URL of the approvals inbox. */
  readonly inboxUrl: string;
  /** AGENT_APPROVAL_WEBHOOK_URL: also POST each notice there. */
  readonly webhookUrl?: string | undefined;
  readonly webhookTimeoutMs?: number;
}

/**
 * Events after which a new approval request may exist. The plugin emits none
 * that says "a CIBA request was created" for register/request-capability
 * (only its own `ciba/authorize` emits `approval.created`), and the events
 * carry no approval id: the request is looked up instead. Each event follows
 * the request's creation in the same handler, so the row is there.
 */
const TRIGGERS: ReadonlySet<string> = new Set(["agent.created", "capability.requested", "approval.created"]);

/** A request created longer ago than this is not the one the event is about. */
const FRESHNESS_MS = 60_000;

/** Ids already notified (bounded), so a second event about one request sends nothing twice. */
const REMEMBERED = 1_000;

/**
 * The `onEvent` handler that tells a user when an agent asks them, by CIBA,
 * to approve something: a structured log line always, a webhook POST when
 * configured. The plugin sends nothing itself for CIBA. Failures are logged
 * and swallowed: a notification must never break the agent's request.
 */
export function approvalNotifier(options: ApprovalNotifierOptions): (event: AgentAuthEvent) => Promise<void> {
  const notified = new Set<string>();
  return async (event) => {
    if (!TRIGGERS.has(event.type)) return;
    try {
      const notice = await noticeFor(options, event);
      if (!notice || notified.has(notice.approvalId)) return;
      notified.add(notice.approvalId);
      if (notified.size > REMEMBERED) notified.delete(notified.values().next().value!);
      // No email in logs: the user id is enough to look the person up.
      options.logger.info(
        {
          notification: "agent.approval_requested",
          approvalId: notice.approvalId,
          userId: notice.userId,
          agentId: notice.agentId,
          agentName: notice.agentName,
          hostName: notice.hostName,
          capabilities: notice.capabilities.map((capability) => capability.name),
          inboxUrl: notice.inboxUrl,
        },
        "agent approval requested: the user can decide in the approvals inbox",
      );
      if (options.webhookUrl) await postApprovalWebhook(options.webhookUrl, notice, options.logger, options.webhookTimeoutMs);
    } catch (error) {
      options.logger.warn({ err: error, event: event.type, agentId: event.agentId }, "approval notification failed");
    }
  };
}

async function noticeFor({ db, inboxUrl }: ApprovalNotifierOptions, event: AgentAuthEvent): Promise<ApprovalNotice | null> {
  let query = db
    .selectFrom("approvalRequest")
    .innerJoin("agent", "agent.id", "approvalRequest.agentId")
    .leftJoin("agentHost", "agentHost.id", "agent.hostId")
    .leftJoin("user", "user.id", "approvalRequest.userId")
    .select([
      "approvalRequest.id",
      "approvalRequest.method",
      "approvalRequest.status",
      "approvalRequest.userId",
      "approvalRequest.bindingMessage",
      "approvalRequest.expiresAt",
      "approvalRequest.createdAt",
      "agent.id as agentId",
      "agent.name as agentName",
      "agentHost.name as hostName",
      "user.email as userEmail",
    ]);
  if (event.type === "approval.created" && event.targetType === "approvalRequest" && event.targetId) {
    query = query.where("approvalRequest.id", "=", event.targetId);
  } else if (event.agentId) {
    // The newest pending request of the agent, whatever its method: if it is a device request, there is nothing to send.
    query = query
      .where("approvalRequest.agentId", "=", event.agentId)
      .where("approvalRequest.status", "=", "pending")
      .orderBy("approvalRequest.createdAt", "desc");
  } else {
    return null;
  }
  const row = await query.limit(1).executeTakeFirst();
  if (row?.method !== "ciba" || row.status !== "pending" || !row.userId) return null;
  if (Date.now() - new Date(row.createdAt).getTime() > FRESHNESS_MS) return null;
  const grants = await db
    .selectFrom("agentCapabilityGrant")
    .select("capability")
    .where("agentId", "=", row.agentId)
    .where("status", "=", "pending")
    .orderBy("createdAt")
    .execute();
  return {
    approvalId: row.id,
    method: "ciba",
    userId: row.userId,
    userEmail: row.userEmail,
    agentId: row.agentId,
    agentName: row.agentName,
    hostName: row.hostName,
    capabilities: [...new Set(grants.map((grant) => grant.capability))].map((name) => {
      const { summary } = describeCapability(name);
      return { name, summary };
    }),
    bindingMessage: row.bindingMessage,
    expiresAt: new Date(row.expiresAt).toISOString(),
    inboxUrl,
  };
}
