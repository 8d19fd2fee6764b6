import type { Express } from "express";
import { createDispatcher, type Handlers, type OperationDispatcher, type ResponseValidation } from "../../generated/routes.js";
import { approvalNotifier } from "../agents/approvals/approval-notifier.js";
import { CapabilityRunner, type ExecutionTarget } from "../agents/execute/capability-executor.js";
import { AgentResolver } from "../agents/principal/agent-resolver.js";
import { MemoryReplayStore } from "../agents/principal/memory-replay-store.js";
import { RedisReplayStore } from "../agents/principal/redis-replay-store.js";
import type { ReplayStore } from "../agents/principal/replay-store.js";
import { ApiKeyResolver } from "../auth/api-key-principal.js";
import { startAuthChangeFeed } from "../auth/auth-change-feed.js";
import { ChangeSignal } from "../auth/auth-state-signal.js";
import { type Auth, createAuth } from "../auth/create-auth.js";
import type { RateLimitOverrides } from "../auth/rate-limits.js";
import { redisRateLimitStorage } from "../auth/redis-rate-limit-storage.js";
import { type Origins, originsOf } from "../config/origins.js";
import { APPROVALS_INBOX_PATH, DEFAULT_DEVICE_AUTH_PAGE } from "../config/page-paths.js";
import type { DatabaseHandle } from "../db/create-database.js";
import type { AppContext } from "../handlers/app-context.js";
import { createHandlers } from "../handlers/index.js";
import { createApp } from "../http/app.js";
import { problemOfError } from "../http/error-problems.js";
import type { Logger } from "../logging/logger.js";
import type { McpAccess } from "../mcp/mcp-access.js";
import { oauthMcpAccess } from "./mcp-access.js";
import { principalSources } from "./principal-sources.js";
import { createRedisClient, type RedisHandle } from "./redis-client.js";

/** What the server is built from: the configuration's values (see optionsFromConfig) and an open database. */
export interface AssemblyOptions {
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  /** BETTER_AUTH_URL: the origin (and optional path) Better Auth, the pages and execute are served at. */
  readonly authUrl: string;
  /** API_PUBLIC_URL; default: `authUrl`. */
  readonly publicUrl?: string;
  readonly secret: string;
  /** TRUST_PROXY; default false. */
  readonly trustProxy?: boolean;
  /** AGENT_DEVICE_AUTH_PAGE; default /device/capabilities. */
  readonly deviceAuthorizationPage?: string;
  /** AGENT_PROXY_API_KEY: the only key that may name an agent (x-agent-id). */
  readonly proxyApiKey?: string;
  /** Where `capability/execute` runs operations; default in-process. */
  readonly execution?: ExecutionTarget;
  /** Per-address and per-account limits; default production's (see auth/rate-limits.ts). */
  readonly rateLimits?: RateLimitOverrides;
  /** CIBA approval notices: logged (by `logger` unless another is given) and posted to the webhook. Absent: none. */
  readonly approvalNotices?: { readonly logger?: Logger; readonly webhookUrl?: string | undefined };
  /**
   * REDIS_URL (and REDIS_KEY_PREFIX, which starts every key): the shared store
   * of spent JWT ids for every instance. Absent: the replay store is this
   * process's memory.
   */
  readonly redis?: { readonly url: string; readonly keyPrefix: string } | undefined;
  /** Tests only: check every /v1 answer and in-process execute result against the contract. */
  readonly validateResponses?: ResponseValidation;
  /** Tests of the MCP transport only: who calls /mcp, instead of OAuth access tokens (see app/mcp-access.ts). */
  readonly mcp?: McpAccess;
}

/** Everything but HTTP, built once: what migrations and seeding need (Better Auth) and what the app is made of. */
export interface Services {
  readonly options: AssemblyOptions;
  readonly origins: Origins;
  /** The options' defaults, filled once. */
  readonly trustProxy: boolean;
  readonly deviceAuthorizationPage: string;
  readonly auth: Auth;
  /** Every operation's handler, shared by the /v1 router and the capability runner's dispatcher. */
  readonly handlers: Handlers<AppContext>;
  /** The handlers run in-process: the capability runner's and MCP's tools/call. */
  readonly dispatcher: OperationDispatcher<AppContext>;
  readonly runner: CapabilityRunner;
  /** The process's one replay store: the plugin, the host JWT guard and the fast verifier spend ids in it. */
  readonly replayIds: ReplayStore;
  /** The Redis client when `options.redis` is set: connected by createHttpApp, closed by its close(). */
  readonly redis: RedisHandle | undefined;
  /** Fired in-process after every mutating agent/host/organization endpoint and merchant limits change. */
  readonly authStateChanges: ChangeSignal;
}

export interface AssembledApp {
  readonly app: Express;
  /** Stops the auth-change LISTEN and the in-process signal, closes the Redis client; call before closing the database. */
  close(): Promise<void>;
}

/**
 * The composition root, first phase: Better Auth and what it runs, without
 * I/O. `npm start` migrates and seeds with `auth` before it builds the HTTP
 * app (createHttpApp); the db scripts need only this phase.
 *
 * @example
 * const services = createServices(optionsFromConfig(config, database, logger));
 * await migrateAll(database.db, services.auth);
 * const { app, close } = await createHttpApp(services);
 */
export function createServices(options: AssemblyOptions): Services {
  const { db } = options.database;
  const origins = originsOf(options.authUrl, options.publicUrl);
  const trustProxy = options.trustProxy ?? false;
  const deviceAuthorizationPage = options.deviceAuthorizationPage ?? DEFAULT_DEVICE_AUTH_PAGE;
  // No I/O yet: the client connects in createHttpApp (the db scripts never open it).
  const redis = options.redis ? createRedisClient(options.redis.url, options.logger) : undefined;
  const replayIds: ReplayStore =
    redis && options.redis ? new RedisReplayStore(redis.client, `${options.redis.keyPrefix}jti:`) : new MemoryReplayStore();
  // Better Auth's per-address counters; without Redis they stay in PostgreSQL (see auth/rate-limits.ts).
  const rateLimitStorage =
    redis && options.redis ? redisRateLimitStorage(redis.client, `${options.redis.keyPrefix}rl:`, options.logger) : undefined;
  const authStateChanges = new ChangeSignal();
  const handlers = createHandlers(db);
  // Refusals the services throw become the problems the router answers with, before any contract check.
  const dispatcher = createDispatcher(handlers, { validateResponses: options.validateResponses, classifyError: problemOfError });
  const runner = new CapabilityRunner(dispatcher, options.execution ?? { kind: "in-process" }, origins.authBaseUrl);
  // The plugin sends nothing for CIBA requests: tell the addressed user (log line, optional webhook).
  const notices = options.approvalNotices;
  const onEvent =
    notices &&
    approvalNotifier({
      db,
      logger: notices.logger ?? options.logger,
      inboxUrl: `${origins.authUrl}${APPROVALS_INBOX_PATH}`,
      webhookUrl: notices.webhookUrl,
    });
  const auth = createAuth({
    db,
    origins,
    secret: options.secret,
    rateLimits: options.rateLimits,
    rateLimitStorage,
    authStateChanges,
    agents: { deviceAuthorizationPage, trustProxy, onEvent, runner, replayIds },
  });
  return { options, origins, trustProxy, deviceAuthorizationPage, auth, handlers, dispatcher, runner, replayIds, redis, authStateChanges };
}

/**
 * The composition root, second phase: the principal caches (API keys,
 * agents) subscribed to the database's auth-change notifications and, for
 * agents, to this process's own Agent Auth mutations; the principal sources
 * /v1 asks in order; the Express app serving it all.
 */
export async function createHttpApp(services: Services): Promise<AssembledApp> {
  const { options, origins, auth, trustProxy } = services;
  const { database } = options;
  // Waits at most the client's connect timeout: a Redis that is down does not stop the start (see redis-client.ts).
  await services.redis?.connect();
  const apiKeys = new ApiKeyResolver(auth, database.db);
  const agents = new AgentResolver(database.db, {
    publicOrigin: origins.publicOrigin,
    authBaseUrl: origins.authBaseUrl,
    jtis: services.replayIds,
  });
  const stopSignal = services.authStateChanges.subscribe(() => {
    agents.invalidateAll();
    apiKeys.invalidateAll();
  });
  const authChanges = await startAuthChangeFeed(database, [apiKeys, agents]);
  const app = createApp({
    auth,
    db: database.db,
    logger: options.logger,
    origins,
    trustProxy,
    deviceAuthorizationPage: services.deviceAuthorizationPage,
    handlers: services.handlers,
    principalSources: principalSources({ auth, db: database.db, apiKeys, agents, origins, trustProxy, proxyApiKey: options.proxyApiKey }),
    agents,
    runner: services.runner,
    dispatcher: services.dispatcher,
    mcp: options.mcp ?? oauthMcpAccess(auth, database, agents, origins),
    authStateChanges: services.authStateChanges,
    validateResponses: options.validateResponses,
    redis: services.redis,
  });
  return {
    app,
    async close() {
      stopSignal();
      await authChanges.close();
      await services.redis?.close();
    },
  };
}
