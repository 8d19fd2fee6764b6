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

  it("skips a port something listens on, and says so when none is left", async () => {
    const first = await freePort(); // a free port of our own to build a three-port range from
    const busy = await listenOn(first + 1).catch(() => undefined);
    if (!busy) return expect.fail(`port ${first + 1} was taken by another process; rerun`);
    try {
      const pick = portPicker(first, 3, first);
      const picked = [await pick(), await pick()];
      expect(picked).not.toContain(first + 1);
      expect(new Set(picked).size).toBe(2);
      await expect(pick()).rejects.toThrow(`no free TCP port in ${first}-${first + 2}`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
