import { afterEach, describe, expect, it } from "vitest";
import type { ApprovalNotice } from "../../src/agents/approvals/approval-notifier.js";
import { postApprovalWebhook } from "../../src/agents/approvals/approval-webhook.js";
import { captureLog } from "../support/capture-log.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const notice: ApprovalNotice = {
  approvalId: "approval-1",
  method: "ciba",
  userId: "user-1",
  userEmail: "merchant@example.com",
  agentId: "agent-1",
  agentName: "Agent <One>",
  hostName: null,
  capabilities: [{ name: "placeOrder", summary: "Place an order" }],
  bindingMessage: "Order #42",
  expiresAt: "2030-01-01T00:00:00.000Z",
  inboxUrl: "http://127.0.0.1:3005/agents/approvals",
};

let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe("approval webhook (real local HTTP)", () => {
  it("POSTs the notice as JSON", async () => {
    receiver = await startWebhookReceiver();
    const log = captureLog();
    await postApprovalWebhook(receiver.url, notice, log.logger);
    expect(receiver.received).toEqual([
      {
        type: "agent.approval_requested",
        approval_id: "approval-1",
        method: "ciba",
        user: { id: "user-1", email: "merchant@example.com" },
        agent: { id: "agent-1", name: "Agent <One>", host_name: null },
        capabilities: [{ name: "placeOrder", summary: "Place an order" }],
        binding_message: "Order #42",
        expires_at: "2030-01-01T00:00:00.000Z",
        inbox_url: "http://127.0.0.1:3005/agents/approvals",
      },
    ]);
    expect(log.lines).toEqual([]);
  });

  it("logs an error status and resolves", async () => {
    receiver = await startWebhookReceiver((_req, res) => res.writeHead(500).end("down"));
    const log = captureLog();
    await expect(postApprovalWebhook(receiver.url, notice, log.logger)).resolves.toBeUndefined();
    expect(log.lines).toMatchObject([
      { level: 40, status: 500, approvalId: "approval-1", msg: "approval webhook answered with an error status" },
    ]);
  });

  it("gives up on a receiver that never answers, after the timeout", async () => {
    receiver = await startWebhookReceiver(() => {});
    const log = captureLog();
    const started = Date.now();
    await expect(postApprovalWebhook(receiver.url, notice, log.logger, 300)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(log.lines).toMatchObject([{ level: 40, timeoutMs: 300, msg: "approval webhook timed out" }]);
  });

  it("logs an unreachable receiver and resolves", async () => {
    const closed = await startWebhookReceiver();
    await closed.close();
    const log = captureLog();
    await expect(postApprovalWebhook(closed.url, notice, log.logger)).resolves.toBeUndefined();
    expect(log.lines).toMatchObject([{ level: 40, msg: "approval webhook failed" }]);
  });
});
