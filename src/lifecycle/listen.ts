import { createServer, type Server } from "node:net";
import { StartUpError } from "./start-up-error.js";

/**
 * Fails fast when `port` cannot be listened on, before seconds of opening,
 * migrating and seeding the database: binds it the way the server will, then
 * lets it go. Another process may still take it in between; `listen` then
 * reports the same error, only later.
 */
export async function assertPortAvailable(port: number): Promise<void> {
  const probe = createServer();
  await listen(probe, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * Listens on `port` and resolves once the server really listens. Express's
 * `app.listen(port, callback)` calls the callback on errors too, so the
 * "listening" banner was printed on a port another process held.
 */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(listenError(error, port));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port);
  });
}

function listenError(error: NodeJS.ErrnoException, port: number): Error {
  switch (error.code) {
    case "EADDRINUSE":
      return new StartUpError(`port ${port} is already in use (EADDRINUSE); stop the process listening on it or set PORT to a free port`, {
        cause: error,
      });
    case "EACCES":
      return new StartUpError(`port ${port} needs privileges this process lacks (EACCES); set PORT to 1024 or above`, { cause: error });
    case "EADDRNOTAVAIL":
      return new StartUpError(`no network interface can take port ${port} (EADDRNOTAVAIL); check PORT and the machine's addresses`, {
        cause: error,
      });
    default:
      return error;
  }
}
