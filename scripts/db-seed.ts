/** `npm run db:seed`: the demo store, its products and two API keys (printed once). Refuses a non-empty database. */
import { openRuntime, readConfigOrExit } from "../src/bootstrap.js";
import { migrateAll } from "../src/db/migrate.js";
import { describeSeed, isEmpty, seedDemo } from "../src/db/seed-demo.js";

const { database, auth } = openRuntime(readConfigOrExit());
try {
  await migrateAll(database.db, auth);
  if (!(await isEmpty(database.db))) {
    console.error("db:seed: the database already has organizations; seed only an empty database.");
    process.exitCode = 1;
  } else {
    console.log(describeSeed(await seedDemo(auth, database.db)));
  }
} finally {
  await database.close();
}
