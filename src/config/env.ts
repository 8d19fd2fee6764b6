import { z } from "zod";
import { DEFAULT_DEVICE_AUTH_PAGE } from "./page-paths.js";

/** A development-only secret; refused in production (see loadConfig). */
const DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production-0000";

const booleanString = z.enum(["true", "false"], { error: 'must be "true" or "false"' }).transform((value) => value === "true");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"], { error: "must be development, production or test" }).default("development"),
  PORT: z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(1, "must be 1-65535")
    .max(65535, "must be 1-65535")
    .default(3005),
  DATABASE_URL: z
    .url({ error: "must be a postgres:// URL" })
    .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgres:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(1, "must be 1-500")
    .max(500, "must be 1-500")
    .default(10),
  // At most 10 s: a longer wait only makes callers hang while the database is away (1.5 s answers 503 within 2 s).
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(100, "must be 100-10000")
    .max(10_000, "must be 100-10000")
    .default(1_500),
  DATABASE_STARTUP_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int("must be an integer")
    .min(100, "must be 100-120000")
    .max(120_000, "must be 100-120000")
    .default(5_000),
  // false behind a pooler that moves sessions between server connections (PgBouncer in transaction mode before 1.21).
  DATABASE_PREPARED_STATEMENTS: booleanString.default(true),
  DATA_DIR: z.string().min(1, "must not be empty").default(".data"),
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)").optional(),
  BETTER_AUTH_URL: z.url({ error: "must be an absolute http(s) URL" }).optional(),
  API_PUBLIC_URL: z.url({ error: "must be an absolute http(s) URL" }).optional(),
  TRUST_PROXY: booleanString.default(false),
  AGENT_DEVICE_AUTH_PAGE: z
    .string()
    .refine((value) => value.startsWith("/") || /^https?:\/\//.test(value), "must be a path starting with / or an absolute http(s) URL")
    .default(DEFAULT_DEVICE_AUTH_PAGE),
  AGENT_PROXY_API_KEY: z.string().min(16, "must be an API key").optional(),
  AGENT_APPROVAL_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).optional(),
  // Unset: one process's memory holds the replay ids, the database the rate limits (see docs/SECURITY.md "State: where it lives").
  REDIS_URL: z
    .url({ error: "must be a redis:// or rediss:// URL" })
    .refine((value) => /^rediss?:\/\//.test(value), "must be a redis:// or rediss:// URL")
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, "must be 1-64 letters, digits or : _ . -")
    .default("commerce:"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be a pino level" }).default("info"),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int("must be an integer")
    .min(0, "must be 0-600000")
    .max(600_000, "must be 0-600000")
    .default(10_000),
});

/** Variables whose values must never appear in a message (they are, or contain, credentials). */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(["BETTER_AUTH_SECRET", "AGENT_PROXY_API_KEY"]);

export interface AppConfig {
  readonly env: "development" | "production" | "test";
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /** Longest wait for a PostgreSQL connection before a request fails with 503. */
  readonly databaseConnectTimeoutMs: number;
  /** How long start-up waits for PostgreSQL to answer `select 1` (DATABASE_STARTUP_TIMEOUT_MS). */
  readonly databaseStartupTimeoutMs: number;
  /** Repeated statements run as named prepared statements (see db/statement-names.ts). */
  readonly databasePreparedStatements: boolean;
  /** Where the embedded database lives when DATABASE_URL is unset. */
  readonly dataDir: string;
  readonly authSecret: string;
  /** True when the development secret is in use: announced loudly at start. */
  readonly usingDevelopmentSecret: boolean;
  /** Origin Better Auth runs on (its routes are under `${authUrl}/api/auth`). */
  readonly authUrl: string;
  /** Public base URL of the API (defaults to authUrl). */
  readonly apiPublicUrl: string;
  readonly trustProxy: boolean;
  /** Where merchants approve agents: a path on this server or an absolute URL. */
  readonly agentDeviceAuthPage: string;
  /** AGENT_PROXY_API_KEY: the only API key that may speak for an agent (x-agent-id) on /v1. */
  readonly agentProxyApiKey: string | undefined;
  /**
   * Where agents' `capability/execute` runs operations: in this process when
   * API_PUBLIC_URL is this server, else over HTTP at API_PUBLIC_URL with
   * AGENT_PROXY_API_KEY.
   */
  readonly agentExecution: { readonly kind: "in-process" } | { readonly kind: "proxy"; readonly apiUrl: string; readonly apiKey: string };
  /** Also POST each CIBA approval notice here (JSON); unset: notices are only logged. */
  readonly agentApprovalWebhookUrl: string | undefined;
  /**
   * REDIS_URL and REDIS_KEY_PREFIX: when set, spent JWT ids and Better Auth's
   * rate limits live in this Redis, shared by every instance; unset: none.
   */
  readonly redis: { readonly url: string; readonly keyPrefix: string } | undefined;
  readonly logLevel: string;
  /** How long SIGTERM/SIGINT waits for in-flight requests before cutting them (SHUTDOWN_TIMEOUT_MS). */
  readonly shutdownTimeoutMs: number;
}

/** Bad environment variables, one readable line each. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/**
 * Reads and validates the environment. Every problem is reported (one line
 * per variable) instead of stopping at the first.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}: ${issue.message} (got ${describeValue(name, env[name])})`;
      }),
    );
  }
  const values = parsed.data;
  if (values.NODE_ENV === "production" && !values.BETTER_AUTH_SECRET) {
    throw new ConfigError(["BETTER_AUTH_SECRET: is required in production (at least 32 characters)"]);
  }
  const authUrl = stripTrailingSlash(values.BETTER_AUTH_URL ?? `http://localhost:${values.PORT}`);
  const apiPublicUrl = stripTrailingSlash(values.API_PUBLIC_URL ?? authUrl);
  const apiElsewhere = new URL(apiPublicUrl).origin !== new URL(authUrl).origin;
  if (apiElsewhere && !values.AGENT_PROXY_API_KEY) {
    throw new ConfigError([
      "AGENT_PROXY_API_KEY: is required when API_PUBLIC_URL is another server than BETTER_AUTH_URL (agents' capability/execute calls the API with it)",
    ]);
  }
  return {
    env: values.NODE_ENV,
    port: values.PORT,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    databaseConnectTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
    databaseStartupTimeoutMs: values.DATABASE_STARTUP_TIMEOUT_MS,
    databasePreparedStatements: values.DATABASE_PREPARED_STATEMENTS,
    dataDir: values.DATA_DIR,
    authSecret: values.BETTER_AUTH_SECRET ?? DEVELOPMENT_SECRET,
    usingDevelopmentSecret: !values.BETTER_AUTH_SECRET,
    authUrl,
    apiPublicUrl,
    trustProxy: values.TRUST_PROXY,
    agentDeviceAuthPage: values.AGENT_DEVICE_AUTH_PAGE,
    agentExecution: apiElsewhere ? { kind: "proxy", apiUrl: apiPublicUrl, apiKey: values.AGENT_PROXY_API_KEY! } : { kind: "in-process" },
    agentProxyApiKey: values.AGENT_PROXY_API_KEY,
    agentApprovalWebhookUrl: values.AGENT_APPROVAL_WEBHOOK_URL,
    redis: values.REDIS_URL ? { url: values.REDIS_URL, keyPrefix: values.REDIS_KEY_PREFIX } : undefined,
    logLevel: values.LOG_LEVEL,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
  };
}

/**
 * What a message may say about a bad value: secrets only by length (a log or
 * terminal is no place for them), URLs without their password (everything up
 * to the last "@", as a malformed URL may hold a raw "@" in it), the rest as is.
 */
function describeValue(name: string, value: string | undefined): string {
  if (value === undefined) return "nothing";
  if (SECRET_VARIABLES.has(name)) return `${value.length} characters`;
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):.*@/i, "$1:***@"));
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
