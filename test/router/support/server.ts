/*
 * Starts the generated router in a real Express 5 app on 127.0.0.1, port 0.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express from "express";
import { createRouter, type Handlers, type OperationId, type RouterOptions } from "../../../generated/routes.js";
import { createEchoHandlers, type RecordedCall } from "./handlers.js";

export interface TestServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  /** Every call of an echo handler, in order. Overridden handlers record nothing. */
  readonly calls: RecordedCall[];
  /** The input the last call of `operationId` received; fails when it was never called. */
  lastInput(operationId: OperationId): unknown;
  close(): Promise<void>;
}

/**
 * `app.use(createRouter(handlers, options))` where `handlers` are the echo
 * handlers with `overrides` on top, listening on an ephemeral port.
 */
export async function startServer<TContext>(options: RouterOptions<TContext>, overrides: Partial<Handlers<TContext>> = {}): Promise<TestServer> {
  const calls: RecordedCall[] = [];
  const handlers: Handlers<TContext> = { ...createEchoHandlers<TContext>(calls), ...overrides };
  const app = express();
  app.use(createRouter(handlers, options));
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    lastInput(operationId) {
      const call = calls.findLast((item) => item.operationId === operationId);
      if (!call) throw new Error(`${operationId} was not called; calls: ${calls.map((item) => item.operationId).join(", ") || "none"}`);
      return call.input;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
