/**
 * `npm start`: validates the environment, checks the port, opens the database
 * (PostgreSQL when DATABASE_URL is set, else embedded PGlite under DATA_DIR)
 * and checks it answers, then loads the application, runs pending
 * migrations, seeds an empty database outside production (both under a
 * database lock, so instances starting together do it once), and serves the API
 * with outgoing fetches to non-public addresses refused (see
 * app/outbound-connections.ts). The pieces are built once, in app/assemble.ts.
 *
 * Start-up failures an operator can fix (bad variable, port in use, unusable
 * DATA_DIR, unreachable database) print one line on stderr and exit 1; the
 * checks never wait for the application to load (it loads beside them), so
 * they answer in about a second. The banner is printed only once the server listens.
 * SIGTERM/SIGINT: drain (see graceful-server.ts, shutdown-on-signals.ts).
 */
import { lockTarget, withStartUpLock } from "./app/startup-lock.js";
import { assertPortAvailable, listen } from "./lifecycle/listen.js";
import { openDatabase, readConfigOrExit, startUpStep } from "./lifecycle/start-up.js";
import { createLogger } from "./logging/logger.js";

const config = readConfigOrExit();
const logger = createLogger(config.logLevel);
if (config.usingDevelopmentSecret) {
  logger.warn("BETTER_AUTH_SECRET is not set: using the DEVELOPMENT secret. Never run like this in production.");
}
await startUpStep("checking the port", logger, () => assertPortAvailable(config.port));
// The application (Better Auth, its plugins and the API: about a second to load, more on a busy machine) loads
// while the database opens: both wait on files, so they overlap. A database check that fails still ends the
// start at once (the process exits; nothing of the application has run).
const loading = Promise.all([
  import("./app/assemble.js"),
  import("./app/options-from-config.js"),
  import("./app/outbound-connections.js"),
  import("./app/migrate-all.js"),
  import("./app/seed-demo.js"),
  import("./http/graceful-server.js"),
  import("./lifecycle/shutdown-on-signals.js"),
  import("./services/idempotency-key-purge.js"),
]);
// A load failure is reported where it is awaited, below; until then it must not count as unhandled.
loading.catch(() => undefined);
const database = await startUpStep("opening the database", logger, () => openDatabase(config, logger));
const [
  { createServices, createHttpApp },
  { optionsFromConfig },
  { guardOutboundConnections },
  { migrateAll },
  seed,
  { createGracefulServer },
  { shutDownOnSignals },
  { schedulePurge },
] = await loading;
// Before anything can fetch: no outgoing connection to this machine or private networks but the configured ones.
guardOutboundConnections(config, logger);
const services = createServices(optionsFromConfig(config, database, logger));
const { auth } = services;

// One instance at a time (see app/startup-lock.ts): instances starting together migrate and seed once.
await startUpStep("taking the start-up lock", logger, () =>
  withStartUpLock(lockTarget(config, database), logger, async () => {
    await startUpStep("migrating the database", logger, () => migrateAll(database.db, auth));
    if (config.env !== "production") {
      await startUpStep("seeding the demo store", logger, async () => {
        if (await seed.isEmpty(database.db)) console.log(seed.describeSeed(await seed.seedDemo(auth, database.db)));
      });
    }
  }),
);

const assembled = await startUpStep("assembling the app", logger, () => createHttpApp(services));
const http = createGracefulServer(assembled.app);
await startUpStep("listening", logger, () => listen(http.server, config.port));
const stopPurge = schedulePurge(database.db, (error) => logger.warn({ err: error }, "idempotency key purge failed"));
shutDownOnSignals({
  http,
  timeoutMs: config.shutdownTimeoutMs,
  logger,
  async close() {
    stopPurge();
    await assembled.close();
    await database.close();
  },
});

console.log(
  [
    `Commerce API on ${config.apiPublicUrl} (database: ${database.kind === "postgres" ? "PostgreSQL" : `embedded PGlite in ${config.dataDir}/`})`,
    `  API:     ${config.apiPublicUrl}/v1/products   (x-api-key header)`,
    `  auth:    ${config.authUrl}/api/auth`,
    `  health:  ${config.apiPublicUrl}/healthz, ${config.apiPublicUrl}/readyz`,
    `  demo:    ${seed.DEMO_EMAIL} / ${seed.DEMO_PASSWORD}`,
  ].join("\n"),
);
