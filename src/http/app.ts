import express, { type Express } from "express";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { createRouter, type Handlers, type OperationDispatcher, type ResponseValidation } from "../../generated/routes.js";
import { agentDiscoveryRoutes } from "../agents/discovery/discovery-routes.js";
import type { CapabilityRunner } from "../agents/execute/capability-executor.js";
import { fastExecuteRoute } from "../agents/execute/fast-execute-route.js";
import type { AgentResolver } from "../agents/principal/agent-resolver.js";
import type { RedisHandle } from "../app/redis-client.js";
import type { ChangeSignal } from "../auth/auth-state-signal.js";
import type { Auth } from "../auth/create-auth.js";
import { createContextFactory } from "../auth/resolve-principal.js";
import type { PrincipalSource } from "../auth/sources/principal-source.js";
import { mcpResourceOf, type Origins } from "../config/origins.js";
import type { Database } from "../db/schema.js";
import type { AppContext } from "../handlers/app-context.js";
import type { Logger } from "../logging/logger.js";
import type { McpAccess } from "../mcp/mcp-access.js";
import { mcpRoutes } from "../mcp/mcp-routes.js";
import { oauthMetadataRoutes } from "../mcp/oauth-metadata.js";
import { merchantPages } from "../pages/index.js";
import { apiDocsRoutes } from "./api-docs/api-docs-routes.js";
import { authHandler } from "./auth-handler.js";
import { clientAddressHeader } from "./client-address.js";
import { databaseFaultHandler } from "./database-unavailable.js";
import { problemOfError } from "./error-problems.js";
import { pinnedHost } from "./pinned-host.js";
import { sendPlainProblem } from "./problem-responses.js";
import { requestId } from "./request-id.js";
import { requestLog } from "./request-log.js";

/** What the HTTP application serves, each piece built once by the composition root (app/assemble.ts). */
export interface AppDependencies {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly origins: Origins;
  readonly trustProxy: boolean;
  /** The device authorization page (AGENT_DEVICE_AUTH_PAGE), linked from discovery. */
  readonly deviceAuthorizationPage: string;
  /** Every operation's handler; the capability runner's dispatcher runs the same ones. */
  readonly handlers: Handlers<AppContext>;
  /** Who may call /v1, asked in order (see auth/resolve-principal.ts). */
  readonly principalSources: readonly PrincipalSource[];
  /** Verifies agent JWTs addressed to this API from cached agent facts (see agent-resolver.ts). */
  readonly agents: AgentResolver;
  /** Runs `capability/execute` calls the fast verifier takes, as the plugin's endpoint does. */
  readonly runner: CapabilityRunner;
  /** The handlers run in-process (no HTTP), as the runner does: MCP's tools/call runs operations through it. */
  readonly dispatcher: OperationDispatcher<AppContext>;
  /** How /mcp authenticates its callers; absent: /mcp is not mounted (it answers 404 like any unknown path). */
  readonly mcp?: McpAccess;
  /** Told when a merchant page changes an agent's limits, so agent caches forget. */
  readonly authStateChanges: ChangeSignal;
  /**
   * Check every /v1 answer against the contract (tests turn it on; see
   * test/support/test-app.ts). Absent in production: nothing is checked and
   * the compiled response validators are never loaded.
   */
  readonly validateResponses?: ResponseValidation;
  /** The Redis client when REDIS_URL is set: /readyz reports whether it answers (see the route). */
  readonly redis?: Pick<RedisHandle, "reachable">;
}

/**
 * The HTTP application: request ids and logs, the generated router for /v1
 * with principal resolution as its context factory, MCP at /mcp (when its
 * authentication is given), agent discovery, Better
 * Auth under /api/auth (mounted before any body parser, as it reads the raw
 * body itself), the merchant pages, health checks. Anything else is a
 * problem+json 404.
 */
export function createApp(deps: AppDependencies): Express {
  const { auth, db, logger, origins, trustProxy, deviceAuthorizationPage } = deps;
  const app = express();
  app.disable("x-powered-by");
  // X-Forwarded-* is believed only when the operator says a proxy sets it.
  app.set("trust proxy", trustProxy);

  app.use(requestId());
  app.use(requestLog(logger));
  // The address Better Auth's rate limits key on: the socket's, or X-Forwarded-For's only under trust proxy.
  // Before /v1 too: it overwrites a client's forged copy before /v1's server-side Better Auth calls see the headers.
  app.use(clientAddressHeader(trustProxy));
  app.use(pinnedHost(origins.authOrigin, trustProxy));

  // The API first, and only for /v1: its requests skip every other router's matching (auth, pages, discovery).
  const api = createRouter(deps.handlers, {
    context: createContextFactory({ sources: deps.principalSources, publicOrigin: origins.publicOrigin, authBaseUrl: origins.authBaseUrl }),
    // A service's refusal is its problem; a database outage is a 503 with Retry-After, not a 500 (callers retry, the pool reconnects).
    classifyError: problemOfError,
    onError: (error, req) => logger.error({ err: error, requestId: req.res?.locals.requestId }, "unhandled error"),
    validateResponses: deps.validateResponses,
  });
  app.use((req, res, next) => (req.path.startsWith("/v1/") ? api(req, res, next) : next()));
  // MCP, exactly at /mcp, before Better Auth and the pages: its own authentication, its own errors (JSON-RPC, tool errors).
  if (deps.mcp) {
    const ownOrigins = [origins.publicOrigin, origins.authOrigin];
    app.use(mcpRoutes({ ...deps.mcp, dispatcher: deps.dispatcher, authBaseUrl: origins.authBaseUrl, ownOrigins, logger }));
  }

  app.use(
    agentDiscoveryRoutes({
      auth,
      authOrigin: origins.authOrigin,
      deviceAuthorizationPage,
      trustProxy,
      mcpEndpoint: mcpResourceOf(origins),
    }),
  );
  // MCP clients' discovery: the /mcp resource's metadata (RFC 9728) and its authorization server's (RFC 8414).
  app.use(oauthMetadataRoutes(auth, mcpResourceOf(origins), origins.authBaseUrl));
  app.use(
    fastExecuteRoute({
      agents: deps.agents,
      runner: deps.runner,
      publicOrigin: origins.publicOrigin,
      authOrigin: origins.authOrigin,
      trustProxy,
      onError: (error) => logger.error({ err: error }, "capability execute failed"),
    }),
  );
  app.all("/api/auth/*splat", authHandler(auth, logger));
  app.use(merchantPages({ auth, db, origins, deviceAuthorizationPage, authStateChanges: deps.authStateChanges }));

  // The bundled contract, the API reference and the problem pages (`type` URLs), all built ahead of time.
  app.use(apiDocsRoutes());

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // Readiness, for a load balancer's health checks: 503 only when this instance's database does not answer
  // (nothing works then). Redis, when configured, is reported in the body but never makes the instance unready:
  // it is one Redis shared by every instance, so taking instances out of rotation would not route around the
  // outage, only widen it from agent JWTs (503 replay_store_unavailable) to everything else (API keys, sessions,
  // pages), which still works without Redis. See README "Production shape".
  app.get("/readyz", async (_req, res) => {
    const [database, redis] = await Promise.all([
      sql`select 1`.execute(db).then(
        () => undefined,
        (error: unknown) => error,
      ),
      deps.redis?.reachable(),
    ]);
    if (database !== undefined) {
      logger.warn({ err: database }, "readiness check failed");
      sendPlainProblem(res, 503, "not_ready");
      return;
    }
    res.json(redis === undefined ? { status: "ready" } : { status: "ready", redis: redis ? "up" : "down" });
  });

  app.use((req, res) => {
    sendPlainProblem(res, 404, "not_found", `No route for ${req.method} ${req.path}`);
  });
  // Errors the pages and other routers pass on: a database outage is a 503 there too.
  app.use(databaseFaultHandler());
  return app;
}
