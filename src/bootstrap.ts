import path from "node:path";
import { approvalNotifier } from "./agents/approval-notifier.js";
import { APPROVALS_INBOX_PATH } from "./agents/approvals-inbox-path.js";
import { createAuth, type Auth } from "./auth/create-auth.js";
import { ConfigError, loadConfig, type AppConfig } from "./config/env.js";
import { createDatabase, type DatabaseHandle } from "./db/create-database.js";
import { prepareDataDirectory } from "./lifecycle/data-directory.js";
import { PGLITE_PROBE_TIMEOUT_MS, probeDatabase } from "./lifecycle/database-probe.js";
import { startUpFailureLine } from "./lifecycle/start-up-error.js";
import { createLogger, type Logger } from "./logging/logger.js";
import { operatorOrigins } from "./security/operator-origins.js";
import { installOutboundGuard, type OutboundGuard } from "./security/outbound-guard.js";

export interface Runtime {
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  readonly auth: Auth;
}

/**
 * Reads the environment; on bad variables prints one line each ("invalid
 * environment: NAME: rule (got …)", secrets by length only) and exits 1.
 */
export function readConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`invalid environment: ${problem}`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Runs one start-up step; when it fails, prints one line to stderr (what is
 * wrong and what to do, see StartUpError), keeps the whole error in the log at
 * debug, and exits 1. No stack trace reaches the operator's terminal.
 */
export async function startUpStep<T>(step: string, logger: Logger, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    logger.debug({ err: error, step }, "start-up failed");
    console.error(startUpFailureLine(error, step));
    process.exit(1);
  }
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

/**
 * Opens the database and Better Auth the way every entry point (server, db
 * scripts) needs them. Before anything runs against the database: DATA_DIR
 * must take files (embedded database) and the database must answer `select 1`
 * within a deadline; otherwise a StartUpError says which and what to do.
 */
export async function openRuntime(config: AppConfig, logger: Logger = createLogger(config.logLevel)): Promise<Runtime> {
  const pgliteDir = path.resolve(config.dataDir, "pglite");
  if (!config.databaseUrl) prepareDataDirectory(config.dataDir, pgliteDir);
  const database = createDatabase({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    dataDir: config.databaseUrl ? undefined : pgliteDir,
  });
  try {
    await (config.databaseUrl
      ? probeDatabase(database, { kind: "postgres", url: config.databaseUrl }, config.databaseConnectTimeoutMs)
      : probeDatabase(database, { kind: "pglite", dataDir: pgliteDir }, PGLITE_PROBE_TIMEOUT_MS));
  } catch (error) {
    // Nothing useful is open; closing must not hide the reason (a pool that never connected may throw).
    void database.close().catch(() => {});
    throw error;
  }
  // The plugin sends nothing for CIBA requests: tell the addressed user (log line, optional webhook).
  const onEvent = approvalNotifier({ db: database.db, logger, inboxUrl: `${config.authUrl}${APPROVALS_INBOX_PATH}`, webhookUrl: config.agentApprovalWebhookUrl });
  const auth = createAuth({
    db: database.db,
    baseUrl: config.authUrl,
    secret: config.authSecret,
    agents: { deviceAuthorizationPage: config.agentDeviceAuthPage, trustProxy: config.trustProxy, onEvent, execution: config.agentExecution },
  });
  return { config, database, auth };
}
