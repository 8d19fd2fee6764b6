/** `npm run db:migrate` (alias `db:push`): creates or upgrades every table, Better Auth's and ours. */
import { createServices } from "../src/app/assemble.js";
import { migrateAll } from "../src/app/migrate-all.js";
import { optionsFromConfig } from "../src/app/options-from-config.js";
import { lockTarget, withStartUpLock } from "../src/app/startup-lock.js";
import { openDatabase, readConfigOrExit, startUpStep } from "../src/lifecycle/start-up.js";
import { createLogger } from "../src/logging/logger.js";

const config = readConfigOrExit();
const logger = createLogger(config.logLevel);
const database = await startUpStep("opening the database", logger, () => openDatabase(config, logger));
const { auth } = createServices(optionsFromConfig(config, database, logger));
try {
  // Under the start-up lock: safe while instances are starting (they wait, then find nothing to do).
  await withStartUpLock(lockTarget(config, database), logger, () => migrateAll(database.db, auth));
  console.log(`migrated (${database.kind})`);
} finally {
  await database.close();
}
