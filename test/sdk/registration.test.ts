/*
 * Registration against a real HTTP server that plays the plugin's answers:
 * the strategy (everything at once for a new host; auto-granted first, the
 * rest requested for a trusted one), the tokens sent, what is stored, and
 * server refusals surfacing as typed errors.
 */
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AgentServerError,
  autoGrantedCapabilities,
  type CapabilityName,
  createIdentity,
  type IdentityRecord,
  MemoryIdentityStorage,
  planRegistration,
  registerForCapabilities,
} from "../../generated/sdk/index.js";
import {
  bearerOf,
  type RecordedRequest,
  type ScriptedResponse,
  type ScriptedServer,
  startScriptedServer,
} from "./support/scripted-server.js";

const WANTED: CapabilityName[] = ["listProducts", "getProduct", "createCart", "addCartItem", "placeOrder"];
const AUTO: CapabilityName[] = ["listProducts", "getProduct", "createCart"];
const REST: CapabilityName[] = ["addCartItem", "placeOrder"];
const APPROVAL = {
  method: "device_authorization",
  device_code: "device-1",
  verification_uri: "http://shop.test/device",
  verification_uri_complete: "http://shop.test/device?agent_id=agent-1&code=ABCD-EFGH",
  user_code: "ABCD-EFGH",
  expires_in: 300,
  interval: 5,
};

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function grants(status: string, names: readonly string[]) {
  return names.map((capability) => ({ capability, status }));
}
function route(handlers: Record<string, (request: RecordedRequest) => ScriptedResponse>) {
  server.setScript((request) => {
    const handler = handlers[request.path];
    return handler ? handler(request) : { status: 404, body: { error: "not_found" } };
  });
}
async function claimsOf(request: RecordedRequest, publicJwk: object) {
  const { payload } = await jwtVerify(bearerOf(request), await importJWK({ ...publicJwk }, "EdDSA"), {
    audience: server.configuration.issuer,
  });
  return payload;
}

describe("planRegistration", () => {
  it("registers a new host for everything, a trusted host for the auto-granted part and requests the rest", () => {
    expect(planRegistration(WANTED, false)).toEqual({ atRegistration: WANTED, afterRegistration: [] });
    expect(planRegistration(WANTED, true)).toEqual({ atRegistration: AUTO, afterRegistration: REST });
    // Nothing auto-granted wanted: one registration, one approval (an empty list would mean "all host defaults").
    expect(planRegistration(REST, true)).toEqual({ atRegistration: REST, afterRegistration: [] });
    expect(planRegistration(["listProducts", "listProducts"], true)).toEqual({ atRegistration: ["listProducts"], afterRegistration: [] });
  });

  it("uses the contract's auto-granted capabilities by default", () => {
    expect(AUTO.every((name) => autoGrantedCapabilities.includes(name))).toBe(true);
    expect(REST.some((name) => autoGrantedCapabilities.includes(name))).toBe(false);
  });
});

describe("registerForCapabilities", () => {
  it("new host: one register call with all capabilities and the host key inline; stores ids, untrusted", async () => {
    route({
      "/api/auth/agent/register": () => ({
        status: 200,
        body: {
          agent_id: "agent-1",
          host_id: "host-1",
          name: "Shopper",
          mode: "delegated",
          status: "pending",
          agent_capability_grants: grants("pending", WANTED),
          approval: APPROVAL,
        },
      }),
    });
    const identity: IdentityRecord = { ...(await createIdentity()), issuer: server.configuration.issuer };
    const storage = new MemoryIdentityStorage(identity);
    const { registration } = await registerForCapabilities({
      configuration: server.configuration,
      storage,
      identity,
      name: "Shopper",
      capabilities: WANTED,
      hostName: "laptop",
    });

    expect(server.requests).toHaveLength(1);
    const [register] = server.requests;
    expect(register!.method).toBe("POST");
    expect(register!.body).toEqual({ name: "Shopper", capabilities: WANTED, mode: "delegated", host_name: "laptop" });
    expect(decodeProtectedHeader(bearerOf(register!)).typ).toBe("host+jwt");
    const claims = await claimsOf(register!, identity.host.keys.publicJwk);
    expect(claims.iss).toBeUndefined();
    expect(claims.host_public_key).toEqual(identity.host.keys.publicJwk);

    expect(registration).toMatchObject({
      agentId: "agent-1",
      hostId: "host-1",
      status: "pending",
      granted: [],
      pending: WANTED,
      approval: APPROVAL,
    });
    const stored = await storage.load();
    expect(stored?.host).toMatchObject({ id: "host-1", trusted: false });
    expect(stored?.agent).toMatchObject({ id: "agent-1", name: "Shopper" });
    expect(claims.agent_public_key).toEqual(stored?.agent?.keys.publicJwk);
    expect(stored?.agent?.pendingApproval?.info.user_code).toBe("ABCD-EFGH");
  });

  it("trusted host: registers with the auto-granted part (iss = host id), then requests the rest with an agent JWT", async () => {
    route({
      "/api/auth/agent/register": () => ({
        status: 200,
        body: { agent_id: "agent-2", host_id: "host-1", status: "active", agent_capability_grants: grants("active", AUTO) },
      }),
      "/api/auth/agent/request-capability": () => ({
        status: 200,
        body: { agent_id: "agent-2", status: "pending", agent_capability_grants: grants("pending", REST), approval: APPROVAL },
      }),
    });
    const fresh = await createIdentity();
    const identity: IdentityRecord = {
      ...fresh,
      issuer: server.configuration.issuer,
      host: { ...fresh.host, id: "host-1", trusted: true },
    };
    const storage = new MemoryIdentityStorage(identity);
    const { registration } = await registerForCapabilities({
      configuration: server.configuration,
      storage,
      identity,
      name: "Shopper",
      capabilities: WANTED,
    });

    expect(server.requests.map((request) => request.path)).toEqual(["/api/auth/agent/register", "/api/auth/agent/request-capability"]);
    const [register, request] = server.requests;
    expect((register!.body as { capabilities: string[] }).capabilities).toEqual(AUTO);
    expect((await claimsOf(register!, identity.host.keys.publicJwk)).iss).toBe("host-1");
    expect(request!.body).toEqual({ capabilities: REST });
    const stored = await storage.load();
    expect(decodeProtectedHeader(bearerOf(request!)).typ).toBe("agent+jwt");
    expect(await claimsOf(request!, stored!.agent!.keys.publicJwk)).toMatchObject({ sub: "agent-2", iss: "host-1" });

    expect(registration).toMatchObject({
      agentId: "agent-2",
      status: "active",
      granted: AUTO,
      pending: REST,
      missing: [],
      approval: APPROVAL,
    });
    expect(stored?.host.trusted).toBe(true);
  });

  it("a host stored as trusted that comes back pending: no request (the agent cannot), trust dropped, the rest left missing", async () => {
    route({
      "/api/auth/agent/register": () => ({
        status: 200,
        body: {
          agent_id: "agent-3",
          host_id: "host-1",
          status: "pending",
          agent_capability_grants: grants("pending", AUTO),
          approval: APPROVAL,
        },
      }),
    });
    const fresh = await createIdentity();
    const identity: IdentityRecord = {
      ...fresh,
      issuer: server.configuration.issuer,
      host: { ...fresh.host, id: "host-1", trusted: true },
    };
    const storage = new MemoryIdentityStorage(identity);
    const { registration } = await registerForCapabilities({
      configuration: server.configuration,
      storage,
      identity,
      name: "Shopper",
      capabilities: WANTED,
    });
    expect(server.requests).toHaveLength(1);
    expect(registration).toMatchObject({ status: "pending", pending: AUTO, missing: REST });
    expect((await storage.load())?.host.trusted).toBe(false);
  });

  it.each([
    [
      "plugin error with its status",
      { status: 409, body: { error: "agent_exists", message: "Agent already exists" } },
      409,
      "agent_exists",
    ],
    [
      "plugin error sent as HTTP 200",
      { status: 200, body: { error: "host_revoked", message: "Host has been revoked" } },
      200,
      "host_revoked",
    ],
    [
      "problem+json",
      { status: 429, body: { type: "https://errors.test/rate-limited", title: "Too many requests", status: 429, code: "rate_limited" } },
      429,
      "rate_limited",
    ],
    ["a body that is not JSON", { status: 502, body: undefined }, 502, "http_502"],
  ])("surfaces a %s as AgentServerError with code and status", async (_label, response, status, code) => {
    route({ "/api/auth/agent/register": () => response });
    const identity: IdentityRecord = { ...(await createIdentity()), issuer: server.configuration.issuer };
    const storage = new MemoryIdentityStorage(identity);
    const error = await registerForCapabilities({
      configuration: server.configuration,
      storage,
      identity,
      name: "Shopper",
      capabilities: WANTED,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentServerError);
    expect(error).toMatchObject({ status, code });
    // Nothing registered, nothing stored.
    expect((await storage.load())?.agent).toBeUndefined();
  });
});
