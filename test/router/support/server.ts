/*
 * Starts a fixture's generated router in a real Express 5 app on 127.0.0.1,
 * port 0, recording every handler call.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express from "express";
import type { RawInput, RouterOptions } from "../../../codegen/templates/runtime.js";
import type { GeneratedRoutes, Handler, Handlers } from "./generated-router.js";

/** One handler invocation, in call order. */
export interface RecordedCall<Id extends string = string> {
  operationId: Id;
  input: RawInput;
  context: unknown;
}

export interface TestServer<Id extends string = string> {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  /** Every handler call, in order. */
  readonly calls: RecordedCall<Id>[];
  /** The input the last call of `operationId` received; fails when it was never called. */
  lastInput(operationId: Id): RawInput;
  close(): Promise<void>;
}

/**
 * Handlers that answer each operation's first declared 2xx status with the
 * input they got as the JSON body, so a test can see what the router handed over.
 */
export function echoHandlers<Id extends string, TContext>(routes: GeneratedRoutes<Id>): Handlers<Id, TContext> {
  const entries = (Object.keys(routes.operationMeta) as Id[]).map((operationId): [Id, Handler<TContext>] => {
    const status = Number(Object.keys(routes.operationMeta[operationId].responses).find((key) => /^2\d\d$/.test(key)));
    if (!Number.isInteger(status)) throw new Error(`${operationId} declares no 2xx status to echo with`);
    return [operationId, (input) => ({ status, body: input })];
  });
  return Object.fromEntries(entries) as Handlers<Id, TContext>;
}

/** `handlers` with every call recorded into `calls` before the handler runs. */
export function recording<Id extends string, TContext>(
  handlers: Handlers<Id, TContext>,
  calls: RecordedCall<Id>[],
): Handlers<Id, TContext> {
  const entries = (Object.keys(handlers) as Id[]).map((operationId): [Id, Handler<TContext>] => [
    operationId,
    (input, context) => {
      calls.push({ operationId, input, context });
      return handlers[operationId](input, context);
    },
  ]);
  return Object.fromEntries(entries) as Handlers<Id, TContext>;
}

/**
 * `app.use(createRouter(handlers, options))` where `handlers` are the echo
 * handlers with `overrides` on top, listening on an ephemeral port.
 */
export async function startServer<Id extends string, TContext>(
  routes: GeneratedRoutes<Id>,
  options: RouterOptions<TContext>,
  overrides: Partial<Handlers<Id, TContext>> = {},
): Promise<TestServer<Id>> {
  const calls: RecordedCall<Id>[] = [];
  const handlers = recording<Id, TContext>({ ...echoHandlers<Id, TContext>(routes), ...overrides }, calls);
  const app = express();
  app.use(routes.createRouter(handlers, options));
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
