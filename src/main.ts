/**
 * `npm start`: validates the environment, opens the database (PostgreSQL when
 * DATABASE_URL is set, else embedded PGlite under DATA_DIR) after checking it
 * answers, runs pending migrations, seeds an empty database outside
 * production, and serves the API with outgoing fetches to non-public
 * addresses refused (see bootstrap.ts).
 *
 * Start-up failures an operator can fix (bad variable, unusable DATA_DIR,
 * unreachable database, port in use) print one line on stderr and exit 1;
 * the banner is printed only once the server listens.
 * SIGTERM/SIGINT: drain (see graceful-server.ts, shutdown-on-signals.ts).
 */
import { guardOutboundConnections, openRuntime, readConfigOrExit, startUpStep } from "./bootstrap.js";
import { migrateAll } from "./db/migrate.js";
import { DEMO_EMAIL, DEMO_PASSWORD, describeSeed, isEmpty, seedDemo } from "./db/seed-demo.js";
import { assembleApp } from "./http/assemble-app.js";
import { createGracefulServer } from "./http/graceful-server.js";
import { assertPortAvailable, listen } from "./lifecycle/listen.js";
import { shutDownOnSignals } from "./lifecycle/shutdown-on-signals.js";
import { createLogger } from "./logging/logger.js";
import { schedulePurge } from "./services/idempotency-key-purge.js";

const config = readConfigOrExit();
const logger = createLogger(config.logLevel);
if (config.usingDevelopmentSecret) {
  logger.warn("BETTER_AUTH_SECRET is not set: using the DEVELOPMENT secret. Never run like this in production.");
}
// Before anything can fetch: no outgoing connection to this machine or private networks but the configured ones.
guardOutboundConnections(config, logger);
await startUpStep("checking the port", logger, () => assertPortAvailable(config.port));
const { database, auth } = await startUpStep("opening the database", logger, () => openRuntime(config, logger));

await startUpStep("migrating the database", logger, () => migrateAll(database.db, auth));
if (config.env !== "production") {
  await startUpStep("seeding the demo store", logger, async () => {
    if (await isEmpty(database.db)) console.log(describeSeed(await seedDemo(auth, database.db)));
  });
}

const assembled = await startUpStep("assembling the app", logger, () =>
  assembleApp({ auth, database, logger, trustProxy: config.trustProxy, publicUrl: config.apiPublicUrl,
    deviceAuthorizationPage: config.agentDeviceAuthPage,
    proxyApiKey: config.agentProxyApiKey,
  }),
);
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
    `  demo:    ${DEMO_EMAIL} / ${DEMO_PASSWORD}`,
  ].join("\n"),
);
