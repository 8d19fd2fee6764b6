import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Kysely } from "kysely";
import type { ResponseViolation } from "../../generated/routes.js";
import type { ExecutionTarget } from "../../src/agents/execute/capability-executor.js";
import { createHttpApp, createServices } from "../../src/app/assemble.js";
import { migrateAll } from "../../src/app/migrate-all.js";
import type { ApiKeyMetadata } from "../../src/auth/api-key-principal.js";
import type { ChangeSignal } from "../../src/auth/auth-state-signal.js";
import type { Auth } from "../../src/auth/create-auth.js";
import type { RateLimitOverrides } from "../../src/auth/rate-limits.js";
import type { DatabaseHandle } from "../../src/db/create-database.js";
import type { Database } from "../../src/db/schema.js";
import { createLogger, type Logger } from "../../src/logging/logger.js";
import type { McpAccess } from "../../src/mcp/mcp-access.js";
import { operatorOrigins } from "../../src/security/operator-origins.js";
import { installOutboundGuard } from "../../src/security/outbound-guard.js";
import { contractCheck } from "./contract-check.js";
import { createTestDatabase } from "./test-database.js";

export interface TestApp {
  readonly baseUrl: string;
  readonly auth: Auth;
  /** The app's in-process "agent facts changed" signal (what the merchant pages fire after setting limits). */
  readonly authStateChanges: ChangeSignal;
  readonly db: Kysely<Database>;
  /** The database handle, to start a second app on the same data (a split auth/API deployment). */
  readonly database: DatabaseHandle;
  /** The Express application serving it (for tests that inspect what it mounts). */
  readonly expressApp: Express;
  /**
   * Answers that broke the contract so far (with `validateResponses`); close()
   * fails while any is left, so a test provoking one on purpose takes it out.
   */
  readonly contractViolations: ResponseViolation[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly trustProxy?: boolean;
  /** Share another app's database (not closed with this app); default: a fresh one. */
  readonly database?: DatabaseHandle;
  /** Where capability/execute runs operations; default in-process. */
  readonly execution?: ExecutionTarget;
  /** CIBA approval notices (wired as in production): a logger to read them (default silent), a webhook. */
  /** AGENT_PROXY_API_KEY of this API (the key a proxying auth server sends with x-agent-id). */
  readonly proxyApiKey?: string;
  readonly approvalNotifications?: { readonly logger?: Logger; readonly webhookUrl?: string };
  /**
   * Host name of the base URL (default 127.0.0.1; the server listens there either way).
   * `localhost` for WebAuthn: browsers refuse an IP address as the relying party ID.
   */
  readonly hostname?: "127.0.0.1" | "localhost";
  /** Per-address and per-account limits; default: production's (see src/auth/rate-limits.ts). */
  readonly rateLimits?: RateLimitOverrides;
  /** The app's logger (request log, errors); default silent. */
  readonly logger?: Logger;
  /**
   * Check every /v1 answer and every in-process capability/execute result
   * against the contract (see contract-check.ts). Default: on.
   */
  readonly validateResponses?: boolean;
  /** REDIS_URL and key prefix (use one per test file: parallel files share the Redis); default: none (memory). */
  readonly redis?: { readonly url: string; readonly keyPrefix: string };
  /**
   * BETTER_AUTH_URL, when clients reach this server under another URL (a
   * sibling instance's, as behind a load balancer); default: this server's own.
   */
  readonly authUrl?: string;
  /** Serve /mcp, its callers authenticated by these functions; default: /mcp is not mounted. */
  readonly mcp?: McpAccess;
}

/**
 * For test files that sign in and approve agents over HTTP more often than a
 * person would, all from 127.0.0.1: production's limits with only those
 * per-address budgets raised (the per-account lock and every other limit stay
 * as shipped).
 */
export const BUSY_MERCHANT: RateLimitOverrides = {
  routes: { "/sign-in/*": { window: 60, max: 1_000 }, "/agent/approve-capability": { window: 60, max: 1_000 } },
};

/** The real application (Better Auth, principal resolution, handlers) on a fresh database, over HTTP. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const trustProxy = options.trustProxy ?? false;
  // A database of our own is dropped on close; a shared one belongs to the app that made it.
  const owned = options.database ? undefined : await createTestDatabase();
  const database: DatabaseHandle = options.database ?? owned!;
  // Better Auth's base URL must be the origin clients use (cookies, Origin checks), known only after listen:
  // listen first with a placeholder handler, then install the app.
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://${options.hostname ?? "127.0.0.1"}:${(server.address() as AddressInfo).port}`;
  // As `npm start` does: fetches to non-public addresses are refused, save the configured destinations.
  // The test process is also the app's client (its fetches to baseUrl share the global dispatcher), so
  // the app's own origin is allowed too; it is plain http, which the plugin never fetches JWKS from.
  const outboundGuard = installOutboundGuard({
    allowedOrigins: [
      baseUrl,
      ...(options.authUrl ? [options.authUrl] : []),
      ...operatorOrigins({ approvalWebhookUrl: options.approvalNotifications?.webhookUrl, execution: options.execution }),
    ],
  });
  const contract = options.validateResponses === false ? undefined : contractCheck();
  // The server's own composition root, as `npm start` runs it.
  const services = createServices({
    database,
    logger: options.logger ?? createLogger("silent"),
    authUrl: options.authUrl ?? baseUrl,
    secret: "test-secret-test-secret-test-secret-0000",
    trustProxy,
    proxyApiKey: options.proxyApiKey,
    execution: options.execution,
    rateLimits: options.rateLimits,
    approvalNotices: {
      logger: options.approvalNotifications?.logger ?? createLogger("silent"),
      webhookUrl: options.approvalNotifications?.webhookUrl,
    },
    validateResponses: contract?.validation,
    redis: options.redis,
    mcp: options.mcp,
  });
  const { auth } = services;
  await migrateAll(database.db, auth);
  const assembled = await createHttpApp(services);
  handler = assembled.app;
  return {
    baseUrl,
    auth,
    authStateChanges: services.authStateChanges,
    db: database.db,
    database,
    expressApp: assembled.app,
    contractViolations: contract?.violations ?? [],
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await assembled.close();
      await owned?.dispose();
      outboundGuard.release();
      contract?.assertNone();
    },
  };
}

export interface StoreOwner {
  readonly userId: string;
  readonly organizationId: string;
  readonly email: string;
  readonly password: string;
}

/** The password every test user gets. */
export const TEST_PASSWORD = "password-1234";

let counter = 0;

/** A user who owns a new organization. */
export async function createStoreOwner(auth: Auth, name = "Store"): Promise<StoreOwner> {
  counter += 1;
  const email = `owner-${Date.now()}-${counter}@example.com`;
  const { user } = await auth.api.signUpEmail({ body: { email, password: TEST_PASSWORD, name } });
  const organization = await auth.api.createOrganization({ body: { name, slug: `store-${Date.now()}-${counter}`, userId: user.id } });
  return { userId: user.id, organizationId: organization!.id, email, password: TEST_PASSWORD };
}

/** An API key owned by `userId` with the given metadata. */
export async function issueApiKey(auth: Auth, userId: string, metadata: ApiKeyMetadata): Promise<string> {
  return (await auth.api.createApiKey({ body: { userId, name: "test", metadata } })).key;
}
