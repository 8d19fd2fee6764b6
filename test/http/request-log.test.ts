import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { requestId } from "../../src/http/request-id.js";
import { requestLog } from "../../src/http/request-log.js";

/** An app with the request log at `level`, answering /ok 200 and /missing 404; returns its log lines. */
async function serve(level: string, paths: string[]): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      callback();
    },
  });
  const app = express();
  app.use(requestId());
  app.use(requestLog(pino({ level }, sink)));
  app.get("/ok", (_req, res) => void res.json({ ok: true }));
  // Never answers: the client gives up first.
  app.get("/hang", () => {});
  app.use((_req, res) => void res.status(404).json({}));
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  for (const path of paths) {
    const headers = { "x-request-id": `id-${path.slice(1)}` };
    if (path === "/hang") await fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(100) }).catch(() => {});
    else await (await fetch(`http://127.0.0.1:${port}${path}`, { headers })).text();
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  server.close();
  return lines;
}

describe("request log", () => {
  it("writes one line per request with method, URL, status, duration and request id", async () => {
    const lines = await serve("info", ["/ok", "/missing"]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, msg: "request completed", method: "GET", url: "/ok", status: 200, requestId: "id-ok" });
    expect(typeof lines[0]!.ms).toBe("number");
    expect(lines[1]).toMatchObject({ level: 40, status: 404, requestId: "id-missing" });
  });

  it("logs only what its level lets through", async () => {
    const lines = await serve("warn", ["/ok", "/missing"]);
    expect(lines.map((line) => line.status)).toEqual([404]);
  });

  it("logs a request the client abandoned as aborted, at warn", async () => {
    const lines = await serve("info", ["/hang", "/ok"]);
    // The server may see the abandoned socket close after the next request: compare by URL, not by order.
    const byUrl = Object.fromEntries(lines.map((line) => [line.url, line]));
    expect(byUrl["/hang"]).toMatchObject({ level: 40, msg: "request aborted", requestId: "id-hang" });
    expect(byUrl["/ok"]).toMatchObject({ level: 30, msg: "request completed" });
    expect(lines).toHaveLength(2);
  });
});
