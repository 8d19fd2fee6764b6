import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express from "express";
import { importGenerated } from "./write-generated.js";

/** What a generated handler received, and which operation it was. */
export interface ServedCall {
  readonly operationId: string;
  readonly params: Record<string, unknown>;
}

export interface GeneratedServer {
  readonly baseUrl: string;
  readonly calls: ServedCall[];
  close(): void;
}

/**
 * Mounts the router generated into `dir` (by `generateInto`) on a real
 * Express app, every operation answered by a handler that records its call
 * and returns 200 with `body`.
 */
export async function serveGenerated(dir: string, operationIds: readonly string[], body: unknown = {}): Promise<GeneratedServer> {
  type Input = { params: Record<string, unknown> };
  const routes = await importGenerated<{
    createRouter(handlers: Record<string, (input: Input) => unknown>, options: { context: () => object }): express.Router;
  }>(dir, "routes.ts");
  const calls: ServedCall[] = [];
  const handlers = Object.fromEntries(
    operationIds.map((operationId) => [
      operationId,
      (input: Input) => {
        calls.push({ operationId, params: input.params });
        return { status: 200, body };
      },
    ]),
  );
  const server = express()
    .use(routes.createRouter(handlers, { context: () => ({}) }))
    .listen(0, "127.0.0.1");
  await once(server, "listening");
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => server.close() };
}
