/*
 * Agent Auth conformance, written against the protocol and not our SDK: an
 * independent client (jose-signed JWTs over plain HTTP, see
 * test/security/support/protocol-client.ts) that takes every URL from the
 * discovery document, the way any protocol client does. One journey, step by
 * step: discovery by both paths → register → device approval with limits →
 * execute (success, each error class, beyond the merchant's limits; each
 * refusal asserted for the protocol's `error` and `message` and the problem
 * members) → batch-execute → constraints → CIBA for a trusted host → host
 * and agent key rotation → revoke.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRow, freshCookie, startWorld, type World } from "../security/support/attack-world.js";
import {
  type Agent,
  type Answer,
  agentJwt,
  call,
  generateEd25519KeyPair,
  type Host,
  hostJwt,
  newHost,
} from "../security/support/protocol-client.js";

interface Discovery {
  issuer: string;
  default_location: string;
  endpoints: Record<
    "register" | "execute" | "status" | "request_capability" | "revoke" | "rotate_key" | "rotate_host_key" | "capabilities",
    string
  >;
}

/** A problem+json refusal as protocol clients read it: `error` and `message`, plus the RFC 9457 members. */
function expectRefusal(answer: Answer, status: number, error: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ error, code: error, status, type: `/problems/${error}`, title: expect.any(String) });
  expect(answer.body.message).toEqual(expect.stringMatching(/\S/));
  expect(answer.body.message).toBe(answer.body.detail ?? answer.body.title);
}

describe("Agent Auth protocol conformance (independent client)", () => {
  let world: World;
  let discovery: Discovery;
  let host: Host;
  let agent: Agent;
  let product: { id: string };
  let cartId: string;

  /** A path of this server from an absolute URL of the discovery document. */
  const pathOf = (url: string): string => new URL(url).pathname;

  async function execute(
    capability: string,
    args: Record<string, unknown> = {},
    audience = discovery.endpoints.execute,
    who: Agent = agent,
  ): Promise<Answer> {
    return call(world.app, pathOf(discovery.endpoints.execute), {
      bearer: await agentJwt(who, audience),
      body: { capability, arguments: args },
    });
  }

  /** A product in a store, created with its owner's admin key: 12.00 EUR, 5 in stock. */
  async function productIn(owner: World["ownerA"], sku: string): Promise<{ id: string }> {
    const created = await call(world.app, "/v1/admin/products", {
      apiKey: owner.adminKey,
      headers: { "idempotency-key": randomUUID() },
      body: { sku, name: `Product ${sku}`, price: { amount: 1200, currency: "EUR" }, inventory: 5 },
    });
    expect(created.status).toBe(201);
    return { id: String(created.body.id) };
  }

  beforeAll(async () => {
    world = await startWorld();
    product = await productIn(world.ownerA, "CONF-1");
  });
  afterAll(async () => world?.close());

  it("discovery: the well-known document and the issuer fallback path agree", async () => {
    const wellKnown = await call(world.app, "/.well-known/agent-configuration");
    expect(wellKnown.status).toBe(200);
    discovery = wellKnown.body as unknown as Discovery;
    expect(discovery.issuer).toBe(`${world.app.baseUrl}/api/auth`);
    const fallback = await call(world.app, `${pathOf(discovery.issuer)}/agent/agent-configuration`);
    expect(fallback).toEqual(wellKnown);
    expect(discovery.default_location).toBe(discovery.endpoints.execute);
  });

  it("register: a new host's agent is pending with a user code for the merchant", async () => {
    host = await newHost();
    const keys = await generateEd25519KeyPair();
    const registered = await call(world.app, pathOf(discovery.endpoints.register), {
      bearer: await hostJwt(world.app, host, { agentPublicJwk: keys.publicJwk, audience: discovery.issuer }),
      body: {
        name: "conformance agent",
        mode: "delegated",
        capabilities: ["listProducts", "getProduct", "createCart", "addCartItem", "getCart", "placeOrder"],
      },
    });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({
      status: "pending",
      agent_id: expect.any(String),
      host_id: expect.any(String),
      approval: { user_code: expect.any(String) },
    });
    host.id = String(registered.body.host_id);
    agent = {
      keys,
      id: String(registered.body.agent_id),
      host,
      status: "pending",
      userCode: (registered.body.approval as { user_code: string }).user_code,
    };

    // Pending: execute is refused with the protocol's error.
    expectRefusal(await execute("listProducts"), 403, "agent_pending");
  });

  it("device approval with limits: the merchant approves on the device page, setting a largest order and a budget", async () => {
    // The page the agent's link opens, as the merchant's browser sees it (session + CSRF cookies, the form's token).
    const cookie = await freshCookie(world, world.ownerA.email);
    const page = await fetch(`${world.app.baseUrl}/device/capabilities?agent_id=${agent.id}&code=${agent.userCode}`, {
      headers: { cookie },
    });
    const html = await page.text();
    expect(html).toContain("conformance agent");
    const form = new URLSearchParams({
      csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!,
      agent_id: agent.id,
      code: agent.userCode!,
      organization_id: world.ownerA.organizationId,
      decision: "approve",
      limits: "1",
      limit_currency: "EUR",
      limit_max_order: "30.00",
      limit_budget: "50.00",
      limit_budget_window: "total",
    });
    for (const name of ["listProducts", "getProduct", "createCart", "addCartItem", "getCart", "placeOrder"])
      form.append("capabilities", name);
    const csrfCookie = page.headers
      .getSetCookie()
      .map((value) => value.split(";")[0])
      .join("; ");
    const approved = await fetch(`${world.app.baseUrl}/device/capabilities`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: csrfCookie ? `${cookie}; ${csrfCookie}` : cookie,
        origin: world.app.baseUrl,
      },
      body: form,
    });
    // 303 to the result page (fetch follows it): what the agent can use now, read from its grants.
    expect(approved.status).toBe(200);
    expect(approved.url).toContain("/device/capabilities/result?");
    expect(await approved.text()).toContain("for <strong>Store A</strong>.");
    const status = await call(world.app, `${pathOf(discovery.endpoints.status)}?agent_id=${agent.id}`, {
      bearer: await hostJwt(world.app, host, { audience: discovery.issuer }),
    });
    expect(status).toMatchObject({ status: 200, body: { status: "active" } });
  });

  it("execute: success answers { data } for tokens addressed to the execute URL and to the issuer", async () => {
    for (const audience of [discovery.endpoints.execute, discovery.issuer]) {
      const listed = await execute("listProducts", { limit: 5 }, audience);
      expect(listed.status).toBe(200);
      expect((listed.body.data as { data: { id: string }[] }).data.map((item) => item.id)).toContain(product.id);
    }
    const cart = await execute("createCart", { currency: "EUR" });
    expect(cart.status).toBe(200);
    cartId = (cart.body.data as { id: string }).id;
    const added = await execute("addCartItem", { cart_id: cartId, product_id: product.id, quantity: 1 });
    expect(added.status).toBe(200);
    expect(added.body.data).toMatchObject({ id: cartId, items: [expect.objectContaining({ product_id: product.id, quantity: 1 })] });
  });

  it("execute: each error class carries error, message and the problem members", async () => {
    // 400: a field the operation does not have, and a value out of range.
    const unknownField = await execute("listProducts", { colour: "red" });
    expectRefusal(unknownField, 400, "validation_failed");
    expect(unknownField.body.errors).toEqual([expect.objectContaining({ pointer: "/arguments/colour" })]);
    const outOfRange = await execute("listProducts", { limit: 1000 });
    expectRefusal(outOfRange, 400, "validation_failed");
    expect(outOfRange.body.errors).toEqual([expect.objectContaining({ pointer: "/query/limit" })]);
    // 401: a replayed token.
    const token = await agentJwt(agent, discovery.endpoints.execute);
    const first = await call(world.app, pathOf(discovery.endpoints.execute), {
      bearer: token,
      body: { capability: "listProducts", arguments: {} },
    });
    expect(first.status).toBe(200);
    expectRefusal(
      await call(world.app, pathOf(discovery.endpoints.execute), { bearer: token, body: { capability: "listProducts", arguments: {} } }),
      401,
      "jti_replay",
    );
    // 403: a capability it was never granted; 404: an unknown capability and another store's product.
    expectRefusal(await execute("adminListOrders"), 403, "capability_not_granted");
    expectRefusal(await execute("noSuchCapability"), 404, "capability_not_found");
    const foreign = await productIn(world.ownerB, "CONF-B");
    expectRefusal(await execute("getProduct", { product_id: foreign.id }), 404, "product_not_found");
    // 409: business rules, e.g. more than in stock.
    expectRefusal(await execute("addCartItem", { cart_id: cartId, product_id: product.id, quantity: 50 }), 409, "insufficient_inventory");
  });

  it("execute: placeOrder takes its Idempotency-Key as an argument; a retry returns the same order", async () => {
    const key = randomUUID();
    const missingKey = await execute("placeOrder", { cart_id: cartId });
    expectRefusal(missingKey, 400, "validation_failed");
    const placed = await execute("placeOrder", { cart_id: cartId, "Idempotency-Key": key });
    expect(placed.status).toBe(200);
    const again = await execute("placeOrder", { cart_id: cartId, "Idempotency-Key": key });
    expect((again.body.data as { id: string }).id).toBe((placed.body.data as { id: string }).id);
    expectRefusal(await execute("addCartItem", { cart_id: cartId, product_id: product.id, quantity: 1 }), 409, "cart_not_open");
  });

  it("execute beyond the merchant's limits: a larger order and then the budget are refused, naming what remains", async () => {
    // Spent so far: one order of 12.00 EUR. Largest order 30.00, budget 50.00 in total.
    const cartOf = async (quantity: number): Promise<string> => {
      const cart = (await execute("createCart", { currency: "EUR" })).body.data as { id: string };
      expect((await execute("addCartItem", { cart_id: cart.id, product_id: product.id, quantity })).status).toBe(200);
      return cart.id;
    };
    const tooLarge = await execute("placeOrder", { cart_id: await cartOf(3), "Idempotency-Key": randomUUID() });
    expectRefusal(tooLarge, 403, "order_total_limit_exceeded");
    const within = await execute("placeOrder", { cart_id: await cartOf(2), "Idempotency-Key": randomUUID() });
    expect(within.status).toBe(200);
    const overBudget = await execute("placeOrder", { cart_id: await cartOf(2), "Idempotency-Key": randomUUID() });
    expectRefusal(overBudget, 403, "budget_exceeded");
    expect(overBudget.body.remaining).toEqual({ amount: 1400, currency: "EUR" });
  });

  it("batch-execute: items answer like single calls", async () => {
    const batch = await call(world.app, "/api/auth/capability/batch-execute", {
      bearer: await agentJwt(agent, discovery.issuer),
      body: {
        requests: [
          { id: "ok", capability: "getProduct", arguments: { product_id: product.id } },
          { id: "closed", capability: "addCartItem", arguments: { cart_id: cartId, product_id: product.id, quantity: 1 } },
          { id: "denied", capability: "adminListOrders", arguments: {} },
        ],
      },
    });
    expect(batch.status).toBe(200);
    const items = new Map(
      (batch.body.responses as { id: string; status: string; data?: unknown; error?: Answer["body"] }[]).map((item) => [item.id, item]),
    );
    expect(items.get("ok")).toMatchObject({ status: "completed", data: { id: product.id } });
    for (const [id, status, error] of [
      ["closed", 409, "cart_not_open"],
      ["denied", 403, "capability_not_granted"],
    ] as const) {
      expect(items.get(id)?.status).toBe("failed");
      expectRefusal({ status: Number(items.get(id)?.error?.status), body: items.get(id)!.error! }, status, error);
    }
  });

  it("constraints: a grant approved with quantity ≤ 2 holds on execute, on both token audiences", async () => {
    const requested = await call(world.app, pathOf(discovery.endpoints.request_capability), {
      bearer: await agentJwt(agent, discovery.issuer),
      body: { capabilities: [{ name: "updateCartItem", constraints: { quantity: { max: 2 } } }] },
    });
    expect(requested.status).toBe(200);
    const code = (requested.body.approval as { user_code?: string } | undefined)?.user_code;
    const approved = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: await freshCookie(world, world.ownerA.email),
      body: { agent_id: agent.id, action: "approve", user_code: code, capabilities: ["updateCartItem"] },
    });
    expect(approved.status).toBe(200);
    const cart = (await execute("createCart", { currency: "EUR" })).body.data as { id: string };
    const added = (await execute("addCartItem", { cart_id: cart.id, product_id: product.id, quantity: 1 })).body.data as {
      items: { id: string }[];
    };
    const itemId = added.items[0]!.id;
    for (const audience of [discovery.endpoints.execute, discovery.issuer, `${world.app.baseUrl}/v1`]) {
      const within = await execute("updateCartItem", { cart_id: cart.id, item_id: itemId, quantity: 2 }, audience);
      expect(within.status, audience).toBe(200);
      const beyond = await execute("updateCartItem", { cart_id: cart.id, item_id: itemId, quantity: 3 }, audience);
      expectRefusal(beyond, 403, "constraint_violated");
    }
  });

  it("CIBA: a host the merchant trusts registers an agent; it waits for the merchant's answer in their inbox", async () => {
    const keys = await generateEd25519KeyPair();
    const registered = await call(world.app, pathOf(discovery.endpoints.register), {
      bearer: await hostJwt(world.app, host, { agentPublicJwk: keys.publicJwk, audience: discovery.issuer }),
      body: { name: "ciba agent", mode: "delegated", capabilities: ["createCart", "addCartItem"], preferred_method: "ciba" },
    });
    // Pending until the merchant answers in their inbox: no code to show, nothing runs yet.
    expect(registered).toMatchObject({ status: 200, body: { status: "pending", approval: { method: "ciba" } } });
    expect(registered.body.approval).not.toHaveProperty("user_code");
    const second: Agent = { keys, id: String(registered.body.agent_id), host, status: "pending" };
    expectRefusal(await execute("createCart", { currency: "EUR" }, discovery.endpoints.execute, second), 403, "agent_pending");

    const cookie = await freshCookie(world, world.ownerA.email);
    const inbox = await call(world.app, "/api/auth/agent/ciba/pending", { cookie });
    const request = (inbox.body.requests as { approval_id?: string; auth_req_id?: string; agent_id: string }[] | undefined)?.find(
      (item) => item.agent_id === second.id,
    );
    expect(request, JSON.stringify(inbox.body)).toBeDefined();
    const approved = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie,
      body: { approval_id: request!.approval_id ?? request!.auth_req_id, action: "approve" },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const created = await execute("createCart", { currency: "EUR" }, discovery.endpoints.execute, second);
    expect(created.status).toBe(200);
    const cart = created.body.data as { id: string };
    expect(
      (await execute("addCartItem", { cart_id: cart.id, product_id: product.id, quantity: 1 }, discovery.endpoints.execute, second)).status,
    ).toBe(200);
  });

  it("rotate keys: the agent's and then the host's; old keys are refused at once, on every path", async () => {
    const next = await generateEd25519KeyPair();
    const rotated = await call(world.app, pathOf(discovery.endpoints.rotate_key), {
      bearer: await hostJwt(world.app, host, { audience: discovery.issuer }),
      body: { agent_id: agent.id, public_key: next.publicJwk },
    });
    expect(rotated.status).toBe(200);
    const old = agent;
    agent = { ...agent, keys: next };
    for (const audience of [discovery.endpoints.execute, `${world.app.baseUrl}/v1`]) {
      expect((await execute("listProducts", {}, audience, old)).status, audience).toBe(401);
      expect((await execute("listProducts", {}, audience)).status, audience).toBe(200);
    }
    const direct = await call(world.app, "/v1/products", { bearer: await agentJwt(old, `${world.app.baseUrl}/v1`) });
    expect(direct.status).toBe(401);

    const nextHost = await generateEd25519KeyPair();
    const hostRotated = await call(world.app, pathOf(discovery.endpoints.rotate_host_key), {
      bearer: await hostJwt(world.app, host, { audience: discovery.issuer }),
      body: { public_key: nextHost.publicJwk },
    });
    expect(hostRotated.status).toBe(200);
    const oldHost = { ...host };
    host.id = String(hostRotated.body.host_id);
    Object.assign(host, { keys: nextHost });
    const stale = await call(world.app, `${pathOf(discovery.endpoints.status)}?agent_id=${agent.id}`, {
      bearer: await hostJwt(world.app, oldHost, { audience: discovery.issuer }),
    });
    expect(stale.status).toBe(401);
    const fresh = await call(world.app, `${pathOf(discovery.endpoints.status)}?agent_id=${agent.id}`, {
      bearer: await hostJwt(world.app, host, { audience: discovery.issuer }),
    });
    expect(fresh).toMatchObject({ status: 200, body: { status: "active" } });
  });

  it("revoke: the host revokes its agent; the next call is refused on every path", async () => {
    const revoked = await call(world.app, pathOf(discovery.endpoints.revoke), {
      bearer: await hostJwt(world.app, host, { audience: discovery.issuer }),
      body: { agent_id: agent.id },
    });
    expect(revoked.status).toBe(200);
    expect(await agentRow(world, agent.id)).toMatchObject({ status: "revoked" });
    for (const audience of [discovery.endpoints.execute, discovery.issuer, `${world.app.baseUrl}/v1`]) {
      expectRefusal(await execute("listProducts", {}, audience), 403, "agent_revoked");
    }
    expectRefusal(
      await call(world.app, "/v1/products", { bearer: await agentJwt(agent, `${world.app.baseUrl}/v1`) }),
      403,
      "agent_revoked",
    );
  });
});
