import type { Express } from "express";
import type { ResponseValidation } from "../../generated/routes.js";
import { AgentResolver } from "../agents/agent-resolver.js";
import { DEFAULT_DEVICE_AUTH_PAGE } from "../config/device-page-default.js";
import { ApiKeyResolver } from "../auth/api-key-principal.js";
import { startAuthChangeFeed } from "../auth/auth-change-feed.js";
import type { Auth } from "../auth/create-auth.js";
import type { DatabaseHandle } from "../db/create-database.js";
import type { Logger } from "../logging/logger.js";
import { createApp } from "./app.js";

export interface AssembledApp {
  readonly app: Express;
  /** Stops the auth-change LISTEN; call before closing the database. */
  close(): Promise<void>;
}

/**
 * The application with its principal caches (API keys, agents) subscribed to
 * auth-change notifications and, for agents, to this process's own Agent Auth
 * mutations: one wiring for the server (main.ts) and the tests.
 */
export async function assembleApp(options: {
  auth: Auth;
  database: DatabaseHandle;
  logger: Logger;
  trustProxy: boolean;
  /** API_PUBLIC_URL; defaults to Better Auth's origin. */
  publicUrl?: string;
  /** AGENT_DEVICE_AUTH_PAGE; the same value createAuth got. */
  deviceAuthorizationPage?: string;
  /** AGENT_PROXY_API_KEY, when this API accepts calls proxied for agents. */
  proxyApiKey?: string;
  /** Tests only: check every /v1 answer against the contract (see createApp). */
  validateResponses?: ResponseValidation;
}): Promise<AssembledApp> {
  const publicUrl = options.publicUrl ?? new URL(String(options.auth.options.baseURL)).origin;
  const apiKeys = new ApiKeyResolver(options.auth, options.database.db);
  const agents = new AgentResolver(options.database.db, {
    publicOrigin: new URL(publicUrl).origin,
    authBaseUrl: String(options.auth.options.baseURL),
    // The cache the plugin and the host JWT guard use: one spent-token set for the process.
    jtis: options.auth.replayIds,
  });
  const stopSignal = options.auth.agentStateChanges.subscribe(() => agents.invalidateAll());
  const authChanges = await startAuthChangeFeed(options.database, [apiKeys, agents]);
  const app = createApp({
    auth: options.auth,
    apiKeys,
    agents,
    db: options.database.db,
    logger: options.logger,
    trustProxy: options.trustProxy,
    publicUrl,
    deviceAuthorizationPage: options.deviceAuthorizationPage ?? DEFAULT_DEVICE_AUTH_PAGE,
    proxyApiKey: options.proxyApiKey,
    validateResponses: options.validateResponses,
  });
  return {
    app,
    async close() {
      stopSignal();
      await authChanges.close();
    },
  };
}
