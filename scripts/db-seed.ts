/**
 * `npm run db:seed`: the demo store, its products and two API keys (printed once). Refuses a non-empty database.
 *
 * `npm run db:seed -- --products 1000000 --orders 1000000`: the same, then grows the demo store to that many
 * bulk products and orders (src/app/bulk-seed.ts), printing progress. On a database that already has the
 * demo store, only the bulk rows are added (up to the targets; a rerun adds nothing), so a store can be
 * grown in steps. A database with organizations but no demo store is refused.
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createServices } from "../src/app/assemble.js";
import { growStore } from "../src/app/bulk-seed.js";
import { migrateAll } from "../src/app/migrate-all.js";
import { optionsFromConfig } from "../src/app/options-from-config.js";
import { describeSeed, isEmpty, seedDemo } from "../src/app/seed-demo.js";
import { lockTarget, withStartUpLock } from "../src/app/startup-lock.js";
import { openDatabase, readConfigOrExit, startUpStep } from "../src/lifecycle/start-up.js";
import { createLogger } from "../src/logging/logger.js";

const { values } = parseArgs({ options: { products: { type: "string" }, orders: { type: "string" } } });
const count = (flag: "products" | "orders"): number => {
  const value = values[flag];
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) throw new Error(`--${flag}: a whole number, not ${value}`);
  return Number(value);
};
const bulk =
  values.products !== undefined || values.orders !== undefined ? { products: count("products"), orders: count("orders") } : undefined;

const config = readConfigOrExit();
const logger = createLogger(config.logLevel);
const database = await startUpStep("opening the database", logger, () => openDatabase(config, logger));
const { auth } = createServices(optionsFromConfig(config, database, logger));
try {
  // Under the start-up lock: an instance starting meanwhile cannot seed the same empty database.
  await withStartUpLock(lockTarget(config, database), logger, async () => {
    await migrateAll(database.db, auth);
    if (await isEmpty(database.db)) console.log(describeSeed(await seedDemo(auth, database.db)));
    else if (!bulk) {
      console.error("db:seed: the database already has organizations; seed only an empty database.");
      process.exitCode = 1;
      return;
    }
    if (bulk) await growDemoStore(bulk);
  });
} finally {
  await database.close();
}

/** Adds bulk rows to the demo store, then ANALYZEs so the planner sees the new sizes at once. */
async function growDemoStore(targets: { products: number; orders: number }): Promise<void> {
  const store = await database.db.selectFrom("organization").select("id").where("slug", "=", "demo-store").executeTakeFirst();
  if (!store) {
    console.error('db:seed: the database has organizations but no "demo-store"; bulk rows go only to the demo store.');
    process.exitCode = 1;
    return;
  }
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Growing "Demo Store" to ${targets.products} bulk products and ${targets.orders} orders…`);
  const result = await growStore(database.db, {
    organizationId: store.id,
    ...targets,
    onProgress: ({ table, done, target }) => console.log(`  ${table}: ${done} / ${target} (${seconds()} s)`),
  });
  await sql`analyze`.execute(database.db);
  console.log(`Added ${result.productsAdded} products and ${result.ordersAdded} orders in ${seconds()} s (ANALYZE included).`);
}
