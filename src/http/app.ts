import express, { type Express } from "express";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { createRouter, type ResponseValidation } from "../../generated/routes.js";
import type { AgentResolver } from "../agents/agent-resolver.js";
import type { ApiKeyResolver } from "../auth/api-key-principal.js";
import type { Auth } from "../auth/create-auth.js";
import { createContextFactory } from "../auth/resolve-principal.js";
import { agentDiscoveryRoutes } from "../agents/discovery-routes.js";
import { fastExecuteRoute } from "../agents/fast-execute-route.js";
import { merchantPages } from "../pages/index.js";
import type { Database } from "../db/schema.js";
import { createHandlers } from "../handlers/index.js";
import type { Logger } from "../logging/logger.js";
import { authHandler } from "./auth-handler.js";
import { clientAddressHeader } from "./client-address.js";
import { databaseFaultHandler } from "./database-unavailable.js";
import { problemOfError } from "./error-problems.js";
import { sendPlainProblem } from "./problem-responses.js";
import { pinnedHost } from "./pinned-host.js";
import { requestId } from "./request-id.js";
import { requestLog } from "./request-log.js";

export interface AppDependencies {
  readonly auth: Auth;
  /** Resolves x-api-key callers; shared so change notifications can reach it (see startAuthChangeFeed). */
  readonly apiKeys: ApiKeyResolver;
  /** Verifies agent JWTs addressed to this API from cached agent facts (see agent-resolver.ts). */
  readonly agents: AgentResolver;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly trustProxy: boolean;
  /** Public base URL of the API (API_PUBLIC_URL): discovery links and challenges point there. */
  readonly publicUrl: string;
  /** The device authorization page (AGENT_DEVICE_AUTH_PAGE), linked from discovery. */
  readonly deviceAuthorizationPage: string;
  /** AGENT_PROXY_API_KEY: the only key that may name an agent in x-agent-id. */
  readonly proxyApiKey?: string;
  /**
   * Check every /v1 answer against the contract (tests turn it on; see
   * test/support/test-app.ts). Absent in production: nothing is checked and
   * the compiled response validators are never loaded.
   */
  readonly validateResponses?: ResponseValidation;
}

/**
 * The HTTP application: request ids and logs, the generated router for /v1
 * with principal resolution as its context factory, agent discovery, Better
 * Auth under /api/auth (mounted before any body parser, as it reads the raw
 * body itself), the merchant pages, health checks. Anything else is a
 * problem+json 404.
 */
export function createApp({ auth, apiKeys, agents, db, logger, trustProxy, publicUrl, deviceAuthorizationPage, proxyApiKey, validateResponses }: AppDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  // X-Forwarded-* is believed only when the operator says a proxy sets it.
  app.set("trust proxy", trustProxy);

  app.use(requestId());
  app.use(requestLog(logger));
  // The address Better Auth's rate limits key on: the socket's, or X-Forwarded-For's only under trust proxy.
  // Before /v1 too: it overwrites a client's forged copy before /v1's server-side Better Auth calls see the headers.
  app.use(clientAddressHeader());
  app.use(pinnedHost(String(auth.options.baseURL), trustProxy));

  // The API first, and only for /v1: its requests skip every other router's matching (auth, pages, discovery).
  const api = createRouter(createHandlers(db), {
    context: createContextFactory({ auth, db, apiKeys, agents, trustProxy, publicOrigin: new URL(publicUrl).origin, proxyApiKey }),
    // A service's refusal is its problem; a database outage is a 503 with Retry-After, not a 500 (callers retry, the pool reconnects).
    classifyError: problemOfError,
    onError: (error, req) => logger.error({ err: error, requestId: req.res?.locals.requestId }, "unhandled error"),
    validateResponses,
  });
  app.use((req, res, next) => (req.path.startsWith("/v1/") ? api(req, res, next) : next()));

  app.use(agentDiscoveryRoutes({ auth, deviceAuthorizationPage, trustProxy }));
  app.use(
    fastExecuteRoute({
      agents,
      runner: auth.capabilityRunner,
      publicOrigin: new URL(publicUrl).origin,
      authOrigin: new URL(String(auth.options.baseURL)).origin,
      trustProxy,
      onError: (error) => logger.error({ err: error }, "capability execute failed"),
    }),
  );
  app.all("/api/auth/*splat", authHandler(auth, logger));
  app.use(merchantPages({ auth, db, deviceAuthorizationPage }));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await sql`select 1`.execute(db);
      res.json({ status: "ready" });
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed");
      sendPlainProblem(res, 503, "not_ready");
    }
  });

  app.use((req, res) => {
    sendPlainProblem(res, 404, "not_found", `No route for ${req.method} ${req.path}`);
  });
  // Errors the pages and other routers pass on: a database outage is a 503 there too.
  app.use(databaseFaultHandler());
  return app;
}
