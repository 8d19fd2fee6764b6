import { mkdirSync } from "node:fs";
import path from "node:path";
import { createAuth, type Auth } from "./auth/create-auth.js";
import { ConfigError, loadConfig, type AppConfig } from "./config/env.js";
import { createDatabase, type DatabaseHandle } from "./db/create-database.js";

export interface Runtime {
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  readonly auth: Auth;
}

/** Reads the environment; on bad variables prints one line each and exits 1 (no stack trace). */
export function readConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Invalid environment:\n${error.problems.map((line) => `  ${line}`).join("\n")}`);
      process.exit(1);
    }
    throw error;
  }
}

/** Opens the database and Better Auth the way every entry point (server, db scripts) needs them. */
export function openRuntime(config: AppConfig): Runtime {
  if (!config.databaseUrl) mkdirSync(path.resolve(config.dataDir), { recursive: true });
  const database = createDatabase({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    dataDir: config.databaseUrl ? undefined : path.resolve(config.dataDir, "pglite"),
  });
  const auth = createAuth({
    db: database.db,
    baseUrl: config.authUrl,
    secret: config.authSecret,
    agents: { deviceAuthorizationPage: config.agentDeviceAuthPage, trustProxy: config.trustProxy, execution: config.agentExecution },
  });
  return { config, database, auth };
}
