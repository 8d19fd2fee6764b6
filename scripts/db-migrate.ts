/** `npm run db:migrate` (alias `db:push`): creates or upgrades every table, Better Auth's and ours. */
import { openRuntime } from "../src/bootstrap.js";
import { readConfigOrExit, startUpStep } from "../src/lifecycle/start-up.js";
import { migrateAll } from "../src/db/migrate.js";
import { createLogger } from "../src/logging/logger.js";

const config = readConfigOrExit();
const logger = createLogger(config.logLevel);
const { database, auth } = await startUpStep("opening the database", logger, () => openRuntime(config, logger));
try {
  await migrateAll(database.db, auth);
  console.log(`migrated (${database.kind})`);
} finally {
  await database.close();
}
