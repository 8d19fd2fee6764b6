import type { Logger } from "../../logging/logger.js";
import type { ApprovalNotice } from "./approval-notice.js";

/** A slow receiver must not pile up pending requests in this process. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;

/** The JSON body a webhook receives (snake_case, like the protocol's own documents). */
export function webhookPayload(notice: ApprovalNotice): Record<string, unknown> {
  return {
    type: "agent.approval_requested",
    approval_id: notice.approvalId,
    method: notice.method,
    user: { id: notice.userId, email: notice.userEmail },
    agent: { id: notice.agentId, name: notice.agentName, host_name: notice.hostName },
    capabilities: notice.capabilities,
    binding_message: notice.bindingMessage,
    expires_at: notice.expiresAt,
    inbox_url: notice.inboxUrl,
  };
}

/**
 * POSTs the notice to AGENT_APPROVAL_WEBHOOK_URL (e.g. a relay to email,
 * chat or push). Never throws: a failed or slow receiver is logged and the
 * request stays in the inbox, where the merchant finds it anyway.
 */
export async function postApprovalWebhook(
  url: string,
  notice: ApprovalNotice,
  logger: Logger,
  timeoutMs = DEFAULT_WEBHOOK_TIMEOUT_MS,
): Promise<void> {
  const context = { approvalId: notice.approvalId, webhook: new URL(url).origin };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "commerce-api approval-notifier" },
      body: JSON.stringify(webhookPayload(notice)),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    // The body is not needed; drain it so the connection is released.
    await response.body?.cancel().catch(() => {});
    if (!response.ok) logger.warn({ ...context, status: response.status }, "approval webhook answered with an error status");
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    logger.warn(
      { ...context, err: timedOut ? undefined : error, timeoutMs: timedOut ? timeoutMs : undefined },
      timedOut ? "approval webhook timed out" : "approval webhook failed",
    );
  }
}
