/** `npm run db:seed`: the demo store, its products and two API keys (printed once). Refuses a non-empty database. */
import { createServices } from "../src/app/assemble.js";
import { migrateAll } from "../src/app/migrate-all.js";
import { optionsFromConfig } from "../src/app/options-from-config.js";
import { describeSeed, isEmpty, seedDemo } from "../src/app/seed-demo.js";
import { lockTarget, withStartUpLock } from "../src/app/startup-lock.js";
import { openDatabase, readConfigOrExit, startUpStep } from "../src/lifecycle/start-up.js";
import { createLogger } from "../src/logging/logger.js";

const config = readConfigOrExit();
const logger = createLogger(config.logLevel);
const database = await startUpStep("opening the database", logger, () => openDatabase(config, logger));
const { auth } = createServices(optionsFromConfig(config, database, logger));
try {
  // Under the start-up lock: an instance starting meanwhile cannot seed the same empty database.
  await withStartUpLock(lockTarget(config, database), logger, async () => {
    await migrateAll(database.db, auth);
    if (!(await isEmpty(database.db))) {
      console.error("db:seed: the database already has organizations; seed only an empty database.");
      process.exitCode = 1;
    } else {
      console.log(describeSeed(await seedDemo(auth, database.db)));
    }
  });
} finally {
  await database.close();
}
