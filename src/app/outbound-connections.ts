import type { AppConfig } from "../config/env.js";
import type { Logger } from "../logging/logger.js";
import { operatorOrigins } from "../security/operator-origins.js";
import { installOutboundGuard, type OutboundGuard } from "../security/outbound-guard.js";

/**
 * Refuses every outgoing fetch to a non-public address (loopback, private,
 * link-local, ...), checked on the resolved address when the connection
 * opens: the agent-auth plugin fetches JWKS and notification URLs that
 * strangers choose (blind SSRF). The webhook and proxied API the operator
 * configured stay reachable wherever they are. Refusals are logged with the
 * address; callers only see their request fail.
 */
export function guardOutboundConnections(config: AppConfig, logger: Logger): OutboundGuard {
  return installOutboundGuard({
    allowedOrigins: operatorOrigins({ approvalWebhookUrl: config.agentApprovalWebhookUrl, execution: config.agentExecution }),
    onRefusal: (error) =>
      logger.warn({ origin: error.origin, address: error.address, reason: error.reason }, "outbound connection refused"),
  });
}
