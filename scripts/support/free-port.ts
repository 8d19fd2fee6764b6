import { createServer } from "node:net";

/*
 * Ports for server processes a test or benchmark starts, chosen by probing.
 *
 * A port the kernel hands out for `listen(0)` is free only until it is closed
 * again, and it comes from the ephemeral range (32768-60999 on Linux), the one
 * every outgoing connection on the machine also draws from. In CI a server of
 * test/cluster/concurrent-start.test.ts failed with EADDRINUSE on such a port
 * that nothing had listened on: a client socket (another instance's database
 * connection, or a parallel test file's) had taken it in the meantime.
 * Three ports asked for one after the other, before any server binds, can
 * also come back equal. So the ports come from just below that range, which
 * outgoing connections never use, and one process never gets a port twice.
 * Two processes (vitest's two workers) each start at a random place in the
 * range, and a port someone listens on fails the probe.
 */
const FIRST_PORT = 20_000;
const PORT_COUNT = 12_000; // up to 31999, below the ephemeral range's default start

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Hands out ports of `first`..`first + count - 1` that can be listened on, each once, walking on from `start`. */
export function portPicker(first: number, count: number, start = first + Math.floor(Math.random() * count)): () => Promise<number> {
  const handedOut = new Set<number>();
  let next = start;
  return async () => {
    for (let tried = 0; tried < count; tried += 1) {
      const port = next;
      next = first + ((next - first + 1) % count);
      if (handedOut.has(port) || !(await canListen(port))) continue;
      handedOut.add(port);
      return port;
    }
    throw new Error(`no free TCP port in ${first}-${first + count - 1} on 127.0.0.1`);
  };
}

/** A TCP port free on 127.0.0.1 right now and never returned before by this process, for starting a server process on it. */
export const freePort: () => Promise<number> = portPicker(FIRST_PORT, PORT_COUNT);
