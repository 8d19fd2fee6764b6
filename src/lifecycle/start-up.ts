import path from "node:path";
import { type AppConfig, ConfigError, loadConfig } from "../config/env.js";
import { createDatabase, type DatabaseHandle } from "../db/create-database.js";
import type { Logger } from "../logging/logger.js";
import { prepareDataDirectory } from "./data-directory.js";
import { PGLITE_PROBE_TIMEOUT_MS, probeDatabase } from "./database-probe.js";
import { startUpFailureLine } from "./start-up-error.js";

/*
 * The start-up steps that can fail for reasons an operator fixes. This module
 * loads no more than config, the database driver and the logger, so that an
 * entry point can run these steps before loading Better Auth and the rest
 * (seconds on a busy machine): a bad start says so in about a second.
 */

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
 * Opens the database every entry point uses, and proves it works before
 * anything runs against it: DATA_DIR must take files (embedded database) and
 * the database must answer `select 1` within a deadline; otherwise a
 * StartUpError says which and what to do.
 */
export async function openDatabase(config: AppConfig, logger?: Logger): Promise<DatabaseHandle> {
  const pgliteDir = path.resolve(config.dataDir, "pglite");
  if (!config.databaseUrl) prepareDataDirectory(config.dataDir, pgliteDir);
  const database = createDatabase({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    preparedStatements: config.databasePreparedStatements,
    onConnectionError: (error) => logger?.warn({ err: error }, "database connection lost; the pool opens a new one on demand"),
    dataDir: config.databaseUrl ? undefined : pgliteDir,
  });
  try {
    await (config.databaseUrl
      ? probeDatabase(database, { kind: "postgres", url: config.databaseUrl }, config.databaseStartupTimeoutMs)
      : probeDatabase(database, { kind: "pglite", dataDir: pgliteDir }, PGLITE_PROBE_TIMEOUT_MS));
  } catch (error) {
    // Nothing useful is open; closing must not hide the reason (a pool that never connected may throw).
    void database.close().catch(() => {});
    throw error;
  }
  return database;
}
