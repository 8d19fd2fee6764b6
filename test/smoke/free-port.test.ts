import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, portPicker } from "../../scripts/support/free-port.js";

/*
 * The ports test servers start on (scripts/support/free-port.ts): below the
 * ephemeral range outgoing connections draw from, never the same one twice in
 * a process, and never one that something listens on.
 */

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("freePort", () => {
  it("hands out distinct ports below the ephemeral range", async () => {
    const ports = [];
    for (let index = 0; index < 50; index += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(50);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
  });

  it("skips a port something listens on, hands out a port once, and says so when none is left", async () => {
    // One-port ranges of ports this process holds or just got: nothing else on the machine can change the outcome.
    const busyPort = await freePort();
    const busy = await listenOn(busyPort);
    try {
      await expect(portPicker(busyPort, 1)()).rejects.toThrow(`no free TCP port in ${busyPort}-${busyPort} on 127.0.0.1`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    const pick = portPicker(busyPort, 1);
    expect(await pick()).toBe(busyPort); // free again now
    await expect(pick()).rejects.toThrow("no free TCP port"); // never the same port twice
  });
});
