/** `npm run db:migrate` (alias `db:push`): creates or upgrades every table, Better Auth's and ours. */
import { openRuntime, readConfigOrExit } from "../src/bootstrap.js";
import { migrateAll } from "../src/db/migrate.js";

const { database, auth } = openRuntime(readConfigOrExit());
try {
  await migrateAll(database.db, auth);
  console.log(`migrated (${database.kind})`);
} finally {
  await database.close();
}
