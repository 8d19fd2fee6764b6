/*
 * A real HTTP server whose answers a test scripts, recording every request
 * (method, path, headers, parsed body, arrival time). The SDK under test
 * talks to it over the network exactly as it would to the real server.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { AgentConfiguration } from "../../../generated/sdk/index.js";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** performance.now() at arrival. */
  readonly at: number;
}

export interface ScriptedResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** A response, or "drop" to destroy the connection without answering (a network failure for the client). */
export type Script = (request: RecordedRequest, index: number) => ScriptedResponse | "drop" | Promise<ScriptedResponse | "drop">;

export interface ScriptedServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** The discovery document of this server (issuer `<baseUrl>/api/auth`, as the real one). */
  readonly configuration: AgentConfiguration;
  setScript(script: Script): void;
  close(): Promise<void>;
}

export async function startScriptedServer(initial: Script = () => ({ status: 404 })): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  let script = initial;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const request: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
        at: performance.now(),
      };
      requests.push(request);
      const answer = await script(request, requests.length - 1);
      if (answer === "drop") {
        req.socket.destroy();
        return;
      }
      const body = answer.body === undefined ? "" : JSON.stringify(answer.body);
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${baseUrl}/api/auth`;
  return {
    baseUrl,
    requests,
    configuration: {
      issuer,
      algorithms: ["Ed25519"],
      modes: ["delegated"],
      approval_methods: ["device_authorization"],
      endpoints: {
        register: `${issuer}/agent/register`,
        capabilities: `${issuer}/capability/list`,
        execute: `${issuer}/capability/execute`,
        request_capability: `${issuer}/agent/request-capability`,
        status: `${issuer}/agent/status`,
      },
    },
    setScript(next) {
      script = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The bearer token of a recorded request. */
export function bearerOf(request: RecordedRequest): string {
  const value = request.headers.authorization ?? "";
  if (!value.startsWith("Bearer ")) throw new Error(`no bearer token on ${request.method} ${request.path}`);
  return value.slice("Bearer ".length);
}
