/*
 * Discovery against a real HTTP server: the document is read from the
 * origin's /.well-known path, checked, and what is missing is named.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentDiscoveryError, discoverAgentAuth } from "../../generated/sdk/index.js";
import { type ScriptedServer, startScriptedServer } from "./support/scripted-server.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

function pluginDocument(issuer: string) {
  const endpoint = (path: string) => `${issuer}${path}`;
  return {
    version: "1.0-draft",
    provider_name: "Commerce API",
    issuer,
    default_location: endpoint("/capability/execute"),
    algorithms: ["Ed25519"],
    modes: ["delegated"],
    approval_methods: ["ciba", "device_authorization"],
    endpoints: {
      register: endpoint("/agent/register"),
      capabilities: endpoint("/capability/list"),
      execute: endpoint("/capability/execute"),
      request_capability: endpoint("/agent/request-capability"),
      status: endpoint("/agent/status"),
      revoke: endpoint("/agent/revoke"),
    },
    registration_endpoint: endpoint("/agent/register"),
  };
}

async function discoveryError(document: unknown): Promise<AgentDiscoveryError> {
  server.setScript(() => ({ status: 200, body: document }));
  const error = await discoverAgentAuth(server.baseUrl).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AgentDiscoveryError);
  return error as AgentDiscoveryError;
}

describe("discoverAgentAuth", () => {
  it("GETs /.well-known/agent-configuration at the origin and returns the typed document", async () => {
    const document = pluginDocument(`${server.baseUrl}/api/auth`);
    server.setScript(() => ({ status: 200, body: document }));
    const configuration = await discoverAgentAuth(`${server.baseUrl}/some/prefix/`);
    expect(server.requests.at(-1)).toMatchObject({ method: "GET", path: "/.well-known/agent-configuration" });
    expect(configuration.issuer).toBe(document.issuer);
    expect(configuration.endpoints.status).toBe(document.endpoints.status);
    expect(configuration.endpoints.revoke).toBe(document.endpoints.revoke);
    expect(configuration.approval_methods).toEqual(["ciba", "device_authorization"]);
  });

  it("names every missing field", async () => {
    const { endpoints, issuer: _issuer, ...rest } = pluginDocument(`${server.baseUrl}/api/auth`);
    const { status: _status, request_capability: _request, ...partial } = endpoints;
    const error = await discoveryError({ ...rest, endpoints: partial, registration_endpoint: undefined });
    expect(error.code).toBe("discovery_incomplete");
    expect(error.missing).toEqual(["issuer", "endpoints.request_capability", "endpoints.status"]);
    expect(error.message).toContain("endpoints.status");
  });

  it("takes OAuth-style names where the plugin's endpoints lack them", async () => {
    const document = pluginDocument(`${server.baseUrl}/api/auth`);
    const { register: _register, ...endpoints } = document.endpoints;
    server.setScript(() => ({ status: 200, body: { ...document, endpoints } }));
    expect((await discoverAgentAuth(server.baseUrl)).endpoints.register).toBe(document.registration_endpoint);
  });

  it("refuses a server without Ed25519 or delegated agents", async () => {
    const document = pluginDocument(`${server.baseUrl}/api/auth`);
    expect((await discoveryError({ ...document, algorithms: ["P-256"] })).code).toBe("unsupported_algorithm");
    expect((await discoveryError({ ...document, modes: ["autonomous"] })).code).toBe("unsupported_mode");
  });

  it("fails with discovery_unavailable on a 404 or a non-JSON answer", async () => {
    server.setScript(() => ({ status: 404, body: { type: "about:blank", title: "Not Found", status: 404, code: "not_found" } }));
    const error = await discoverAgentAuth(server.baseUrl).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentDiscoveryError);
    expect((error as AgentDiscoveryError).code).toBe("discovery_unavailable");
    expect((await discoveryError(["not", "an", "object"])).code).toBe("discovery_invalid");
  });
});
