import { approvalNotifier } from "./agents/approval-notifier.js";
import { APPROVALS_INBOX_PATH } from "./agents/approvals-inbox-path.js";
import { createAuth, type Auth } from "./auth/create-auth.js";
import type { AppConfig } from "./config/env.js";
import type { DatabaseHandle } from "./db/create-database.js";
import { openDatabase } from "./lifecycle/start-up.js";
import { createLogger, type Logger } from "./logging/logger.js";
import { operatorOrigins } from "./security/operator-origins.js";
import { installOutboundGuard, type OutboundGuard } from "./security/outbound-guard.js";

export interface Runtime {
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  readonly auth: Auth;
}

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
    onRefusal: (error) => logger.warn({ origin: error.origin, address: error.address, reason: error.reason }, "outbound connection refused"),
  });
}

/** Opens the database (see openDatabase) and Better Auth the way the db scripts need them (the server opens them step by step, see main.ts). */
export async function openRuntime(config: AppConfig, logger: Logger = createLogger(config.logLevel)): Promise<Runtime> {
  const database = await openDatabase(config, logger);
  return { config, database, auth: createRuntimeAuth(config, database, logger) };
}

/** Better Auth on an open database, with the approval notifier the server and scripts share. */
export function createRuntimeAuth(config: AppConfig, database: DatabaseHandle, logger: Logger): Auth {
  // The plugin sends nothing for CIBA requests: tell the addressed user (log line, optional webhook).
  const onEvent = approvalNotifier({ db: database.db, logger, inboxUrl: `${config.authUrl}${APPROVALS_INBOX_PATH}`, webhookUrl: config.agentApprovalWebhookUrl });
  return createAuth({
    db: database.db,
    baseUrl: config.authUrl,
    secret: config.authSecret,
    agents: { deviceAuthorizationPage: config.agentDeviceAuthPage, trustProxy: config.trustProxy, onEvent, execution: config.agentExecution },
  });
}
