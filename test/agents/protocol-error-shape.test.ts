/*
 * Agent Auth protocol clients print `error` and `message` from an error body.
 * Every problem the API writes carries them beside the RFC 9457 members, and
 * capability/execute answers the same call with the same body (successes
 * wrapped in `{ data }`). Regression for "[unknown_error] Unknown error".
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConnection } from "../../generated/sdk/index.js";
import { protocolErrorOf } from "../../src/agents/plugin/protocol-problem.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { connectTestAgent, createProduct, decide } from "./agent-test-kit.js";

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

/** One call, made directly on /v1 and, where execute can express it, through capability/execute. */
interface Case {
  name: string;
  status: number;
  code: string;
  /** A fresh token is minted per call unless the case reuses a spent one. */
  direct: (world: World) => Promise<{ method: string; path: string; body?: unknown; headers?: Record<string, string> }>;
  /** `undefined`: execute has no such call (it has no HTTP method of its own). */
  execute?: (world: World) => { capability: string; arguments?: unknown };
  /** The bearer for this case; default a fresh agent JWT. */
  bearer?: (world: World, audience: string) => Promise<string | undefined>;
}

interface World {
  app: TestApp;
  agent: AgentConnection;
  product: { id: string };
  foreignProduct: { id: string };
  emptyCartId: string;
}

async function spentToken(world: World, audience: string): Promise<string> {
  const token = await world.agent.session.createJwt(audience);
  const url = audience.endsWith("/v1") ? `${world.app.baseUrl}/v1/products` : `${world.app.baseUrl}/api/auth/capability/execute`;
  const init = audience.endsWith("/v1")
    ? {}
    : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ capability: "listProducts" }) };
  const first = await fetch(url, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
  expect(first.status).toBe(200);
  return token;
}

const cases: Case[] = [
  {
    name: "400 with field errors",
    status: 400,
    code: "validation_failed",
    direct: async () => ({ method: "GET", path: "/v1/products?limit=1000" }),
    execute: () => ({ capability: "listProducts", arguments: { limit: 1000 } }),
  },
  {
    name: "401 (replayed agent JWT)",
    status: 401,
    code: "jti_replay",
    direct: async () => ({ method: "GET", path: "/v1/products" }),
    execute: () => ({ capability: "listProducts" }),
    bearer: spentToken,
  },
  {
    name: "403 (capability not granted)",
    status: 403,
    code: "capability_not_granted",
    direct: async () => ({ method: "GET", path: "/v1/admin/orders" }),
    execute: () => ({ capability: "adminListOrders" }),
  },
  {
    name: "404 (another store's product)",
    status: 404,
    code: "product_not_found",
    direct: async (world) => ({ method: "GET", path: `/v1/products/${world.foreignProduct.id}` }),
    execute: (world) => ({ capability: "getProduct", arguments: { product_id: world.foreignProduct.id } }),
  },
  {
    name: "405 (method not allowed)",
    status: 405,
    code: "method_not_allowed",
    direct: async () => ({ method: "DELETE", path: "/v1/products" }),
  },
  {
    name: "409 (ordering an empty cart)",
    status: 409,
    code: "cart_empty",
    direct: async (world) => ({
      method: "POST",
      path: "/v1/orders",
      body: { cart_id: world.emptyCartId },
      headers: { "idempotency-key": randomUUID() },
    }),
    execute: (world) => ({ capability: "placeOrder", arguments: { "Idempotency-Key": randomUUID(), cart_id: world.emptyCartId } }),
  },
];

async function send(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    body: (await response.json()) as Record<string, unknown>,
  };
}

function expectProtocolProblem(answer: Answer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: `/problems/${code}`, title: expect.any(String), status, code, error: code });
  expect(answer.body.message).toEqual(expect.stringMatching(/\S/));
  expect(answer.body.message).toBe(answer.body.detail ?? answer.body.title);
}

describe("every error an agent reads carries the protocol's error and message", () => {
  let world: World;

  beforeAll(async () => {
    const app = await startTestApp();
    const [owner, other]: [StoreOwner, StoreOwner] = [
      await createStoreOwner(app.auth, "Shape Store"),
      await createStoreOwner(app.auth, "Other Shape Store"),
    ];
    const [product, foreignProduct] = await Promise.all([createProduct(app, owner, "SH-1"), createProduct(app, other, "SH-2")]);
    const connected = await connectTestAgent(app, ["listProducts", "getProduct", "createCart", "placeOrder"]);
    await decide(app, owner, connected, "approve");
    const cart = await connected.agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
    world = { app, agent: connected.agent, product, foreignProduct, emptyCartId: cart.data!.id };
  });

  afterAll(async () => {
    await world?.app.close();
  });

  async function callDirect(testCase: Case): Promise<Answer> {
    const { method, path, body, headers } = await testCase.direct(world);
    const audience = `${world.app.baseUrl}/v1`;
    const bearer = testCase.bearer ? await testCase.bearer(world, audience) : await world.agent.session.createJwt(audience);
    return send(`${world.app.baseUrl}${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function callExecute(testCase: Case, call: { capability: string; arguments?: unknown }): Promise<Answer> {
    const audience = `${world.app.baseUrl}/api/auth/capability/execute`;
    const bearer = testCase.bearer ? await testCase.bearer(world, audience) : await world.agent.session.createJwt();
    return send(`${world.app.baseUrl}/api/auth/capability/execute`, {
      method: "POST",
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), "content-type": "application/json" },
      body: JSON.stringify(call),
    });
  }

  it.each(cases)("/v1: $name", async (testCase) => {
    const answer = await callDirect(testCase);
    expectProtocolProblem(answer, testCase.status, testCase.code);
    if (testCase.status === 400) expect(answer.body.errors).toEqual([expect.objectContaining({ pointer: "/query/limit" })]);
  });

  it.each(cases.filter((testCase) => testCase.execute))("capability/execute answers the same call alike: $name", async (testCase) => {
    const direct = await callDirect(testCase);
    const executed = await callExecute(testCase, testCase.execute!(world));
    expect(executed.status).toBe(direct.status);
    // Every agent token on execute takes the fast verifier (protocol audiences too), so even authentication
    // and grant refusals are the /v1 problem, with the protocol's error and message beside it.
    expect(executed.body).toEqual(direct.body);
  });

  it("a success is the /v1 body wrapped in { data }", async () => {
    const direct = await callDirect({ ...cases[0]!, direct: async () => ({ method: "GET", path: `/v1/products/${world.product.id}` }) });
    const executed = await callExecute(cases[0]!, { capability: "getProduct", arguments: { product_id: world.product.id } });
    expect([direct.status, executed.status]).toEqual([200, 200]);
    expect(executed.body).toEqual({ data: direct.body });
  });

  it("app-level problems outside the router carry them too (unknown /v1 path)", async () => {
    const answer = await send(`${world.app.baseUrl}/v1/no-such-thing`, {});
    expectProtocolProblem(answer, 404, "not_found");
  });

  it("Better Auth's own validation error on an agent route is a problem with error = snake_case(code)", async () => {
    const answer = await send(`${world.app.baseUrl}/api/auth/agent/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    expectProtocolProblem(answer, 400, "validation_error");
    expect(answer.body.message).toMatch(/^\[body\.\w+\] /);
  });

  it("execute without a capability is a 400 naming the field", async () => {
    const answer = await callExecute(cases[0]!, {} as never);
    expectProtocolProblem(answer, 400, "validation_failed");
    expect(answer.body.errors).toEqual([expect.objectContaining({ pointer: "/capability" })]);
  });

  it("an unknown capability gets the protocol's code and wording, as a problem", async () => {
    const answer = await callExecute(cases[0]!, { capability: "noSuchCapability" });
    expectProtocolProblem(answer, 404, "capability_not_found");
    expect(answer.body.message).toBe('Capability "noSuchCapability" does not exist.');
  });

  it("Better Auth's rate-limit refusal on an agent route is a problem too", async () => {
    let answer: Answer | undefined;
    // agent/register allows 10 a minute per address.
    for (let attempt = 0; attempt < 15 && answer?.status !== 429; attempt += 1) {
      answer = await send(`${world.app.baseUrl}/api/auth/agent/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
    }
    expectProtocolProblem(answer!, 429, "rate_limited");
  });
});

describe("protocolErrorOf", () => {
  it.each([
    ["VALIDATION_ERROR", "validation_error"],
    ["agentNotFound", "agent_not_found"],
    ["FAILED_TO_CREATE-USER", "failed_to_create_user"],
    ["already_snake", "already_snake"],
    ["", "unknown_error"],
  ])("%s → %s", (code, want) => {
    expect(protocolErrorOf(code)).toBe(want);
  });
});
