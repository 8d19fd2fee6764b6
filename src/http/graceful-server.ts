import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";
import { httpProblem } from "./problem-titles.js";

export interface DrainCounts {
  /** Requests being answered when the drain started. */
  readonly inFlightAtStart: number;
  /** Responses finished since the drain started (all with `Connection: close`, unless their headers were out before). */
  readonly answered: number;
  /** Requests that arrived after the drain started, answered 503. */
  readonly refused: number;
  /** Open connections now. */
  readonly connections: number;
  /** Requests being answered now. */
  readonly inFlight: number;
}

export interface GracefulServer {
  readonly server: Server;
  /**
   * Stops accepting connections, closes idle ones, answers the requests
   * already read with `Connection: close`, refuses any later one with 503;
   * resolves when the last connection has closed. Idempotent.
   */
  drain(): Promise<void>;
  /** Destroys every remaining connection (after the drain timed out); returns how many there were. */
  cut(): number;
  counts(): DrainCounts;
}

/** How long idle connections stay open after the drain starts, for requests already on their way. */
export const DEFAULT_IDLE_GRACE_MS = 500;

const SHUTTING_DOWN_BODY = JSON.stringify(
  httpProblem(
    503,
    "shutting_down",
    "This request was not processed; send it again (a new connection reaches another or a restarted server).",
  ).toJSON(),
);

/**
 * An HTTP server that can be drained without resetting a response or serving
 * new work:
 *
 * - `server.close()` stops accepting and closes idle keep-alive connections,
 *   but a busy connection stays open and Node keeps reading requests from it:
 *   under keep-alive load the old shutdown served hundreds of new requests
 *   until its 10 s deadline, then cut the connections mid-flight.
 * - So every response still being prepared when the drain starts gets
 *   `Connection: close` (the client sends nothing more on that connection and
 *   Node closes it after the response), and a request that still arrives on a
 *   kept-alive connection (the client sent it before it could see the drain) is
 *   answered `503 shutting_down` with `Connection: close` and `Retry-After`,
 *   without running it: an explicit "not processed" is safer for a client
 *   than a closed socket, which leaves it guessing whether a POST happened.
 * - Idle keep-alive connections are closed after a short grace, not at once:
 *   under load most "idle" connections are not idle at all, their next
 *   request is already on the way (in the socket buffer, not yet read).
 *   Closing them at once resets those requests (a client cannot tell whether
 *   a reset POST ran); within the grace they are read and refused with 503.
 *   Hence `net.Server#close` (stop accepting) instead of `http.Server#close`,
 *   which also closes idle connections at once.
 * - A response whose headers were already sent kept `keep-alive`: its
 *   connection is closed once the response is done (after the grace).
 */
export function createGracefulServer(handler: RequestListener, options: { idleGraceMs?: number } = {}): GracefulServer {
  const idleGraceMs = options.idleGraceMs ?? DEFAULT_IDLE_GRACE_MS;
  const connections = new Set<Socket>();
  const inFlight = new Set<ServerResponse>();
  let draining: Promise<void> | undefined;
  let graceOver = false;
  let inFlightAtStart = 0;
  let answered = 0;
  let refused = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      refused += 1;
      refuse(res);
      return;
    }
    inFlight.add(res);
    // `on`: a response closes once (`once` would add a wrapper and a removal to every request).
    res.on("close", () => {
      inFlight.delete(res);
      if (!draining) return;
      answered += 1;
      // A response whose headers went out before the drain said keep-alive: its connection is idle now.
      if (graceOver) server.closeIdleConnections();
    });
    handler(req, res);
  });
  server.on("connection", (socket: Socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });

  return {
    server,
    drain() {
      draining ??= new Promise<void>((resolve) => {
        inFlightAtStart = inFlight.size;
        for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
        // Stop accepting; resolves once the last connection has closed.
        NetServer.prototype.close.call(server, () => resolve());
        setTimeout(() => {
          graceOver = true;
          server.closeIdleConnections();
        }, idleGraceMs).unref();
      });
      return draining;
    },
    cut() {
      const count = connections.size;
      server.closeAllConnections();
      for (const socket of connections) socket.destroy();
      return count;
    },
    counts: () => ({ inFlightAtStart, answered, refused, connections: connections.size, inFlight: inFlight.size }),
  };
}

function refuse(res: ServerResponse): void {
  res.writeHead(503, {
    "Content-Type": "application/problem+json",
    "Content-Length": Buffer.byteLength(SHUTTING_DOWN_BODY),
    "Retry-After": "1",
    Connection: "close",
  });
  res.end(SHUTTING_DOWN_BODY);
}
