/*
 * The outbound guard on Node's own global fetch, against real local servers:
 * loopback is refused by address and by name before any connection opens,
 * a redirect from an allowed origin to a loopback port is refused at the hop,
 * allowed origins are exact, and installing twice keeps one guard.
 */
import { lookup } from "node:dns/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { Agent, getGlobalDispatcher, request, setGlobalDispatcher } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalNotice } from "../../src/agents/approvals/approval-notifier.js";
import { postApprovalWebhook } from "../../src/agents/approvals/approval-webhook.js";
import { OutboundAddressRefusedError } from "../../src/security/guarded-connector.js";
import { operatorOrigins } from "../../src/security/operator-origins.js";
import { createGuardedAgent, installOutboundGuard, type OutboundGuard } from "../../src/security/outbound-guard.js";
import { classifyAddress } from "../../src/security/public-address.js";
import { captureLog } from "../support/capture-log.js";
import { type ConnectionCounter, startConnectionCounter } from "../support/connection-counter.js";
import { startWebhookReceiver } from "../support/webhook-receiver.js";

let target: ConnectionCounter;
const servers: Server[] = [];
let guards: OutboundGuard[] = [];

beforeAll(async () => {
  target = await startConnectionCounter();
});
afterEach(() => {
  for (const guard of guards) guard.release();
  guards = [];
});
afterAll(async () => {
  await target.close();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function guard(...args: Parameters<typeof installOutboundGuard>): OutboundGuard {
  const installed = installOutboundGuard(...args);
  guards.push(installed);
  return installed;
}

/** A local HTTP server that closes each connection after answering (so each fetch connects anew); resolves to its origin. */
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer((req, res) => {
    res.shouldKeepAlive = false;
    listener(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The reason fetch gives for a refused connection (fetch wraps it in "fetch failed"). */
async function refusal(url: string): Promise<OutboundAddressRefusedError> {
  const error = await fetch(url).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (!(cause instanceof OutboundAddressRefusedError))
    throw new Error(`${url}: expected a refusal, got ${String(error)} (cause ${String(cause)})`);
  return cause;
}

describe("outbound guard on the global fetch", () => {
  it("refuses loopback and unspecified addresses, spelled any way or behind a name, before connecting", async () => {
    const refused: OutboundAddressRefusedError[] = [];
    guard({ onRefusal: (error) => refused.push(error) });
    const port = target.port;
    const cases: [url: string, address: string][] = [
      [`http://127.0.0.1:${port}/`, "127.0.0.1"],
      [`https://127.1:${port}/`, "127.0.0.1"],
      [`https://2130706433:${port}/`, "127.0.0.1"],
      [`https://0x7f.0.0.1:${port}/`, "127.0.0.1"],
      [`http://0.0.0.0:${port}/`, "0.0.0.0"],
      [`http://[::1]:${port}/`, "::1"],
      [`http://[::]:${port}/`, "::"],
      [`https://[::ffff:127.0.0.1]:${port}/jwks`, "::ffff:7f00:1"],
      [`http://[64:ff9b::7f00:1]:${port}/`, "64:ff9b::7f00:1"],
      // Names are judged by what they resolve to, not by how they read.
      [`http://localhost:${port}/`, "127.0.0.1"],
    ];
    for (const [url, address] of cases) {
      const error = await refusal(url);
      expect(error.address, url).toBe(address);
      expect(error.message, url).toContain(address);
    }
    expect(refused.map((error) => error.address)).toEqual(cases.map(([, address]) => address));
    expect(target.connections).toBe(0);
  });

  it("refuses the machine's own host name when it resolves (/etc/hosts) to non-public addresses only", async ({ skip }) => {
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (addresses.length === 0 || !addresses.every(({ address }) => !classifyAddress(address).public))
      skip(`${name} has a public address here`);
    guard();
    expect((await refusal(`http://${name}:${target.port}/`)).origin).toBe(`http://${name}:${target.port}`);
    expect(target.connections).toBe(0);
  });

  it("reaches an allowed origin, and only that exact origin", async () => {
    const origin = await serve((_req, res) => res.end("hello"));
    guard({ allowedOrigins: [`${origin}/hooks/approvals`] });
    const response = await fetch(`${origin}/anything`);
    expect(await response.text()).toBe("hello");
    // Same server, other spelling of the host: another origin, so checked (and refused).
    const port = new URL(origin).port;
    expect((await refusal(`http://localhost:${port}/`)).address).toBe("127.0.0.1");
    expect(target.connections).toBe(0);
  });

  it("refuses a redirect hop from an allowed origin to a loopback port", async () => {
    const origin = await serve((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${target.port}/internal` }).end());
    guard({ allowedOrigins: [origin] });
    const error = await fetch(`${origin}/start`).then(
      () => undefined,
      (failure: unknown) => failure as { cause?: unknown },
    );
    expect(error?.cause).toBeInstanceOf(OutboundAddressRefusedError);
    // The plugin follows redirects itself (redirect: "manual"); each hop is a fetch of its own, refused the same way.
    const manual = await fetch(`${origin}/start`, { redirect: "manual" });
    expect(manual.status).toBe(302);
    expect((await refusal(manual.headers.get("location")!)).origin).toBe(`http://127.0.0.1:${target.port}`);
    expect(target.connections).toBe(0);
  });

  it("installs once: the allow list is the union of installations, and release withdraws only its own", async () => {
    const [first, second] = await Promise.all([serve((_req, res) => res.end("first")), serve((_req, res) => res.end("second"))]);
    const one = guard({ allowedOrigins: [first] });
    const dispatcher = getGlobalDispatcher();
    guard({ allowedOrigins: [second] });
    expect(getGlobalDispatcher()).toBe(dispatcher);
    expect(await (await fetch(first)).text()).toBe("first");
    expect(await (await fetch(second)).text()).toBe("second");
    one.release();
    expect((await refusal(first)).origin).toBe(first);
    expect(await (await fetch(second)).text()).toBe("second");
  });

  it("puts itself back when something replaced the global dispatcher", async () => {
    guard();
    const guardDispatcher = getGlobalDispatcher();
    const replacement = new Agent();
    setGlobalDispatcher(replacement);
    guard();
    expect(getGlobalDispatcher()).toBe(guardDispatcher);
    await refusal(`http://127.0.0.1:${target.port}/`);
    expect(target.connections).toBe(0);
    await replacement.close();
  });
});

describe("configured destinations through the guard", () => {
  const notice: ApprovalNotice = {
    approvalId: "approval-1",
    method: "ciba",
    userId: "user-1",
    userEmail: "merchant@example.com",
    agentId: "agent-1",
    agentName: "Agent",
    hostName: null,
    capabilities: [],
    bindingMessage: null,
    expiresAt: "2030-01-01T00:00:00.000Z",
    inboxUrl: "http://127.0.0.1:3005/agents/approvals",
  };

  it("reaches AGENT_APPROVAL_WEBHOOK_URL on loopback; an unconfigured local receiver is refused and logged", async () => {
    const [configured, other] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
    guard({ allowedOrigins: operatorOrigins({ approvalWebhookUrl: configured.url, execution: { kind: "in-process" } }) });
    const log = captureLog();
    await postApprovalWebhook(configured.url, notice, log.logger);
    await postApprovalWebhook(other.url, notice, log.logger);
    expect(configured.received).toHaveLength(1);
    expect(other.received).toHaveLength(0);
    // pino folds the cause into the logged message: the refused address is in the operator's log.
    expect(log.lines).toMatchObject([
      {
        level: 40,
        msg: "approval webhook failed",
        webhook: new URL(other.url).origin,
        err: { message: expect.stringContaining("127.0.0.1 is not a public address") },
      },
    ]);
    await Promise.all([configured.close(), other.close()]);
  });
});

describe("guarded agent with a chosen resolver (DNS answers we cannot get offline)", () => {
  it("refuses a name when any of its addresses is not public, without connecting", async () => {
    const answers: Record<string, string[]> = {
      "rebound.example": ["93.184.215.14", "127.0.0.1"],
      "metadata.example": ["169.254.169.254"],
      "mapped.example": ["::ffff:10.0.0.1"],
    };
    const refused: OutboundAddressRefusedError[] = [];
    const dispatcher = createGuardedAgent({ resolve: async (name) => answers[name] ?? [], onRefusal: (error) => refused.push(error) });
    for (const [name, addresses] of Object.entries(answers)) {
      const error = await request(`http://${name}:${target.port}/`, { dispatcher }).catch((failure: unknown) => failure);
      expect(error, name).toBeInstanceOf(OutboundAddressRefusedError);
      expect((error as OutboundAddressRefusedError).address, name).toBe(addresses.at(-1));
    }
    expect(refused).toHaveLength(3);
    expect(target.connections).toBe(0);
    await dispatcher.close();
  });
});
