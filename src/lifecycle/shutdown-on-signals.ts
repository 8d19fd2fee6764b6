import type { GracefulServer } from "../http/graceful-server.js";
import type { Logger } from "../logging/logger.js";

/** Exit code when a second signal ends the drain: 128 + SIGINT's number, what shells report for Ctrl-C. */
export const FORCED_EXIT_CODE = 130;

export interface ShutdownOptions {
  readonly http: GracefulServer;
  /** SHUTDOWN_TIMEOUT_MS: the budget for draining and closing, from the first signal. */
  readonly timeoutMs: number;
  /** Releases everything but the HTTP server (timers, LISTEN feeds, the pool), in order. */
  readonly close: () => Promise<void>;
  readonly logger: Logger;
}

/**
 * SIGTERM/SIGINT: drain the HTTP server, then close the rest and exit 0.
 * Past `timeoutMs` the remaining connections are destroyed and the process
 * exits 1 with one log line naming what was cut. A second signal exits at
 * once with 130: the operator has decided not to wait.
 */
export function shutDownOnSignals({ http, timeoutMs, close, logger }: ShutdownOptions): void {
  let started: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started !== undefined) {
      const counts = http.counts();
      logger.warn({ signal, inFlight: counts.inFlight, connections: counts.connections }, "second signal: exiting at once");
      process.exit(FORCED_EXIT_CODE);
    }
    started = performance.now();
    const since = started;
    setTimeout(() => {
      const inFlight = http.counts().inFlight;
      const cut = http.cut();
      logger.error(
        { timeoutMs, inFlight, connections: cut },
        `shutdown timed out after ${timeoutMs} ms: cut ${cut} connections (${inFlight} requests unanswered)`,
      );
      process.exit(1);
    }, timeoutMs).unref();
    logger.info({ signal, timeoutMs, ...http.counts() }, "shutting down: draining connections");
    http
      .drain()
      .then(close)
      .then(
        () => {
          const { inFlightAtStart, answered, refused } = http.counts();
          logger.info({ ms: Math.round(performance.now() - since), inFlightAtStart, answered, refused }, "stopped");
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed while closing");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
