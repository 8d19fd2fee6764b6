import type { AppConfig } from "../config/env.js";
import type { DatabaseHandle } from "../db/create-database.js";
import type { Logger } from "../logging/logger.js";
import type { AssemblyOptions } from "./assemble.js";

/** The environment's settings (see config/env.ts) as the composition root takes them: `npm start` and the db scripts. */
export function optionsFromConfig(config: AppConfig, database: DatabaseHandle, logger: Logger): AssemblyOptions {
  return {
    database,
    logger,
    authUrl: config.authUrl,
    publicUrl: config.apiPublicUrl,
    secret: config.authSecret,
    trustProxy: config.trustProxy,
    deviceAuthorizationPage: config.agentDeviceAuthPage,
    proxyApiKey: config.agentProxyApiKey,
    execution: config.agentExecution,
    approvalNotices: { webhookUrl: config.agentApprovalWebhookUrl },
    redis: config.redis,
  };
}
