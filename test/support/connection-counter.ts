import { type AddressInfo, createServer, type Server } from "node:net";

export interface ConnectionCounter {
  readonly port: number;
  /** TCP connections accepted so far, on either loopback address. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A bare TCP listener on 127.0.0.1 (and on [::1] at the same port when the
 * machine has IPv6 loopback) that only counts who connects: the target an
 * SSRF attempt would reach. It speaks no protocol, so a connection that got
 * through shows up here even when the request then fails.
 */
export async function startConnectionCounter(): Promise<ConnectionCounter> {
  let connections = 0;
  const listen = (host: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      server.once("error", reject);
      server.listen(port, host, () => resolve(server));
    });
  const v4 = await listen("127.0.0.1", 0);
  const port = (v4.address() as AddressInfo).port;
  // No IPv6 loopback, or the port taken there: [::1] then refuses the connection itself, which is fine.
  const v6 = await listen("::1", port).catch(() => undefined);
  const servers = v6 ? [v4, v6] : [v4];
  return {
    port,
    get connections() {
      return connections;
    },
    async close() {
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
