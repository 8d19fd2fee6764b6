/*
 * connectAgent picking up a stored agent, against a real HTTP server that
 * plays the protocol: what the server says about the stored agent decides
 * between using it, re-registering its key, or starting a new agent.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ApprovalDeniedError,
  type ApprovalInfo,
  type CapabilityName,
  connectAgent,
  createIdentity,
  type IdentityRecord,
  MemoryIdentityStorage,
} from "../../generated/sdk/index.js";
import {
  bearerOf,
  type RecordedRequest,
  type ScriptedResponse,
  type ScriptedServer,
  startScriptedServer,
} from "./support/scripted-server.js";

const WANTED: CapabilityName[] = ["listProducts", "placeOrder"];
const APPROVAL = {
  method: "device_authorization",
  user_code: "WXYZ-1234",
  verification_uri_complete: "http://shop.test/device?code=WXYZ-1234",
  expires_in: 300,
  interval: 1,
};

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function grants(entries: Record<string, string>) {
  return Object.entries(entries).map(([capability, status]) => ({ capability, status }));
}
function route(handlers: Record<string, (request: RecordedRequest) => ScriptedResponse>) {
  server.setScript((request) => {
    const path = request.path.replace(/\?.*$/, "").replace("/api/auth", "");
    const handler = handlers[path];
    return handler ? handler(request) : { status: 404, body: { error: "not_found" } };
  });
}
function paths(): string[] {
  return server.requests.map((request) => `${request.method} ${request.path.replace("/api/auth", "")}`);
}

/** A stored identity whose agent "agent-1" belongs to host "host-1". */
async function storedAgent(extra: Partial<NonNullable<IdentityRecord["agent"]>> = {}, trusted = true): Promise<MemoryIdentityStorage> {
  const host = await createIdentity();
  const agent = await createIdentity();
  return new MemoryIdentityStorage({
    version: 1,
    issuer: server.configuration.issuer,
    host: { ...host.host, id: "host-1", trusted },
    agent: { keys: agent.host.keys, id: "agent-1", name: "Stored", ...extra },
  });
}

function connect(storage: MemoryIdentityStorage, approvals: ApprovalInfo[] = []) {
  return connectAgent({
    baseUrl: server.baseUrl,
    configuration: server.configuration,
    name: "Agent",
    capabilities: WANTED,
    storage,
    wait: false,
    onApproval: (approval) => void approvals.push(approval),
  });
}

describe("connectAgent with a stored agent", () => {
  it("warns when baseUrl's origin is not the discovered issuer's (tokens would be for the wrong audience)", async () => {
    route({
      "/agent/status": () => ({
        status: 200,
        body: { agent_id: "agent-1", status: "active", agent_capability_grants: grants({ listProducts: "active", placeOrder: "active" }) },
      }),
    });
    const warnings: string[] = [];
    const storage = await storedAgent();
    const sameOrigin = await connectAgent({
      baseUrl: server.baseUrl,
      configuration: server.configuration,
      name: "Agent",
      capabilities: WANTED,
      storage,
      wait: false,
      onWarning: (message) => void warnings.push(message),
    });
    expect(sameOrigin.ready).toBe(true);
    expect(warnings).toEqual([]);
    const otherName = server.baseUrl.replace("127.0.0.1", "localhost");
    await connectAgent({
      baseUrl: otherName,
      configuration: server.configuration,
      name: "Agent",
      capabilities: WANTED,
      storage,
      wait: false,
      onWarning: (message) => void warnings.push(message),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `baseUrl origin ${new URL(otherName).origin} differs from the discovered issuer's origin ${new URL(server.baseUrl).origin}`,
    );
  });

  it("uses an active agent that has everything: one status call, no registration", async () => {
    route({
      "/agent/status": () => ({
        status: 200,
        body: { agent_id: "agent-1", status: "active", agent_capability_grants: grants({ listProducts: "active", placeOrder: "active" }) },
      }),
    });
    const agent = await connect(await storedAgent());
    expect(paths()).toEqual(["GET /agent/status"]);
    expect(agent.ready).toBe(true);
    expect(agent.registration.agentId).toBe("agent-1");
  });

  it("re-registers a pending agent's key to get a new code for the same agent", async () => {
    const storage = await storedAgent({}, false);
    route({
      "/agent/status": () => ({ status: 403, body: { error: "agent_pending", message: "Agent is pending approval" } }),
      "/agent/register": () => ({
        status: 200,
        body: {
          agent_id: "agent-1",
          host_id: "host-1",
          status: "pending",
          agent_capability_grants: grants({ listProducts: "pending", placeOrder: "pending" }),
          approval: APPROVAL,
        },
      }),
    });
    const approvals: ApprovalInfo[] = [];
    const agent = await connect(storage, approvals);
    expect(paths()).toEqual(["GET /agent/status", "POST /agent/register"]);
    const claims = decodeJwt(bearerOf(server.requests[1]!));
    expect(claims.agent_public_key).toEqual((await storage.load())!.agent!.keys.publicJwk);
    expect(agent.registration).toMatchObject({ agentId: "agent-1", status: "pending", pending: WANTED });
    expect(approvals).toEqual([expect.objectContaining({ user_code: "WXYZ-1234" })]);
  });

  it("shows a remembered, unexpired approval again instead of asking the server for one without a code", async () => {
    const storage = await storedAgent({ pendingApproval: { info: APPROVAL, expiresAt: new Date(Date.now() + 120_000).toISOString() } });
    route({
      "/agent/status": () => ({
        status: 200,
        body: { agent_id: "agent-1", status: "active", agent_capability_grants: grants({ listProducts: "active", placeOrder: "pending" }) },
      }),
    });
    const approvals: ApprovalInfo[] = [];
    const agent = await connect(storage, approvals);
    expect(paths()).toEqual(["GET /agent/status"]);
    expect(agent.registration).toMatchObject({ granted: ["listProducts"], pending: ["placeOrder"] });
    expect(approvals[0]).toMatchObject({ user_code: "WXYZ-1234" });
    expect(approvals[0]!.expires_in).toBeLessThanOrEqual(120);
  });

  it("requests capabilities the stored agent lacks", async () => {
    route({
      "/agent/status": () => ({
        status: 200,
        body: { agent_id: "agent-1", status: "active", agent_capability_grants: grants({ listProducts: "active" }) },
      }),
      "/agent/request-capability": () => ({
        status: 200,
        body: { agent_id: "agent-1", status: "pending", agent_capability_grants: grants({ placeOrder: "pending" }), approval: APPROVAL },
      }),
    });
    const storage = await storedAgent();
    const agent = await connect(storage);
    expect(paths()).toEqual(["GET /agent/status", "POST /agent/request-capability"]);
    expect(server.requests[1]!.body).toEqual({ capabilities: ["placeOrder"] });
    expect(agent.registration).toMatchObject({ granted: ["listProducts"], pending: ["placeOrder"], approval: APPROVAL });
    expect((await storage.load())!.agent!.pendingApproval?.info.user_code).toBe("WXYZ-1234");
  });

  it("registers a new agent when the server no longer knows the stored one", async () => {
    const storage = await storedAgent();
    const before = (await storage.load())!.agent!.keys.publicJwk;
    route({
      "/agent/status": () => ({ status: 401, body: { error: "agent_not_found", message: "Agent not found" } }),
      "/agent/register": () => ({
        status: 200,
        body: { agent_id: "agent-2", host_id: "host-1", status: "active", agent_capability_grants: grants({ listProducts: "active" }) },
      }),
      "/agent/request-capability": () => ({
        status: 200,
        body: { agent_id: "agent-2", status: "pending", agent_capability_grants: grants({ placeOrder: "pending" }), approval: APPROVAL },
      }),
    });
    const agent = await connect(storage);
    expect(paths()).toEqual(["GET /agent/status", "POST /agent/register", "POST /agent/request-capability"]);
    expect(agent.registration.agentId).toBe("agent-2");
    const after = (await storage.load())!.agent!;
    expect(after.id).toBe("agent-2");
    expect(after.keys.publicJwk).not.toEqual(before);
  });

  it("stands by a rejection: ApprovalDeniedError, no new registration", async () => {
    route({ "/agent/status": () => ({ status: 403, body: { error: "agent_rejected", message: "Agent registration was rejected" } }) });
    await expect(connect(await storedAgent())).rejects.toBeInstanceOf(ApprovalDeniedError);
    expect(paths()).toEqual(["GET /agent/status"]);
  });
});

describe("AgentConnection.waitForApproval", () => {
  it("after the first approval, requests what could not be asked for while the agent was pending", async () => {
    // A host stored as trusted that the server treats as new: the agent registers for the
    // auto-granted part and comes back pending; placeOrder must be requested after approval.
    let approved = false;
    let requested = false;
    route({
      "/agent/register": () => ({
        status: 200,
        body: {
          agent_id: "agent-9",
          host_id: "host-1",
          status: "pending",
          agent_capability_grants: grants({ listProducts: "pending" }),
          approval: { ...APPROVAL, interval: 0.1 },
        },
      }),
      "/agent/status": () => {
        if (!approved) {
          approved = true;
          return { status: 403, body: { error: "agent_pending" } };
        }
        return {
          status: 200,
          body: {
            agent_id: "agent-9",
            status: "active",
            agent_capability_grants: grants({ listProducts: "active", placeOrder: requested ? "active" : "absent" }),
          },
        };
      },
      "/agent/request-capability": () => {
        requested = true;
        return {
          status: 200,
          body: {
            agent_id: "agent-9",
            status: "pending",
            agent_capability_grants: grants({ placeOrder: "pending" }),
            approval: { ...APPROVAL, interval: 0.1 },
          },
        };
      },
    });
    const host = await createIdentity();
    const storage = new MemoryIdentityStorage({
      ...host,
      issuer: server.configuration.issuer,
      host: { ...host.host, id: "host-1", trusted: true },
    });
    const approvals: ApprovalInfo[] = [];
    const agent = await connect(storage, approvals);
    expect(agent.registration).toMatchObject({ status: "pending", pending: ["listProducts"], missing: ["placeOrder"] });
    const ready = await agent.waitForApproval();
    expect(ready).toMatchObject({ status: "active", granted: WANTED });
    expect(paths()).toEqual([
      "POST /agent/register",
      "GET /agent/status",
      "GET /agent/status",
      "POST /agent/request-capability",
      "GET /agent/status",
    ]);
    expect(approvals).toHaveLength(2);
    expect((await storage.load())!.host.trusted).toBe(true);
  });
});
