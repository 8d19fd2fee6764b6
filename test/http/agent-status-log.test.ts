import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchAgentStatus } from "../../generated/sdk/index.js";
import { connectTestAgent } from "../agents/agent-test-kit.js";
import { captureLog } from "../support/capture-log.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** The real app and Agent Auth plugin, with its request log captured. */
let app: TestApp;
const { logger, lines } = captureLog();

beforeAll(async () => {
  app = await startTestApp({ logger });
});

afterAll(async () => {
  await app?.close();
});

function statusPollLines(): Record<string, unknown>[] {
  return lines.filter((line) => line.url === "/api/auth/agent/status");
}

describe("request log of agent status polls", () => {
  it("logs a pending agent's poll (403 agent_pending) once, at info, with its code", async () => {
    // A mutating capability outside the host's defaults leaves the new agent pending.
    const { agent } = await connectTestAgent(app, ["placeOrder"]);
    expect(agent.registration.status).toBe("pending");
    const before = statusPollLines().length;

    const status = await fetchAgentStatus({ session: agent.session, configuration: agent.configuration });

    expect(status.status).toBe("pending");
    const polls = statusPollLines().slice(before);
    expect(polls).toHaveLength(1);
    expect(polls[0]).toMatchObject({ level: 30, msg: "request completed", method: "GET", status: 403, answer: "agent_pending" });
  });

  it("still warns about a status call the plugin refuses for another reason (401, bad token)", async () => {
    const before = statusPollLines().length;
    const response = await fetch(`${app.baseUrl}/api/auth/agent/status`, { headers: { authorization: "Bearer not-a-jwt" } });
    await response.text();

    expect(response.status).toBe(401);
    const polls = statusPollLines().slice(before);
    expect(polls).toHaveLength(1);
    expect(polls[0]).toMatchObject({ level: 40, status: 401 });
    expect(polls[0]).not.toHaveProperty("answer");
  });
});
