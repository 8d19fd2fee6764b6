import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConnection } from "../../generated/sdk/index.js";
import { decideOverHttp, signInCookie } from "../support/merchant.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { connectTestAgent, createProduct, decide, executeAs } from "./agent-test-kit.js";

/*
 * Grants approved within limits (the protocol's constraints) hold on direct
 * calls and on capability/execute alike: call arguments by name, and for
 * placeOrder the priced total (`total_amount`, `currency`).
 */
let app: TestApp;
let owner: StoreOwner;
let agent: AgentConnection;
let product: { id: string };

beforeAll(async () => {
  app = await startTestApp();
  owner = await createStoreOwner(app.auth, "Limits Store");
  product = await createProduct(app, owner, "LIM-1"); // 12.00 EUR, stock 5
  const connected = await connectTestAgent(app, ["listProducts", "getProduct", "createCart", "getCart"]);
  await decide(app, owner, connected, "approve");
  agent = connected.agent;
  // Ask for the mutating capabilities with limits, as a protocol client may.
  const requested = await fetch(`${app.baseUrl}/api/auth/agent/request-capability`, {
    method: "POST",
    headers: { authorization: `Bearer ${await agent.session.createJwt()}`, "content-type": "application/json" },
    body: JSON.stringify({
      capabilities: [
        { name: "addCartItem", constraints: { quantity: { max: 2 } } },
        { name: "placeOrder", constraints: { total_amount: { max: 2000 }, currency: "EUR" } },
      ],
    }),
  });
  const body = (await requested.json()) as { approval?: { user_code?: string } };
  const cookie = await signInCookie(app, owner.email, owner.password);
  const approval = await decideOverHttp(app, cookie, {
    agent_id: agent.session.agentId,
    action: "approve",
    user_code: body.approval?.user_code ?? "",
  });
  expect(approval.status).toBe(200);
});

afterAll(async () => {
  await app?.close();
});

async function cartWith(quantity: number): Promise<string> {
  const cart = await agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
  const item = await agent.client.POST("/v1/carts/{cart_id}/items", {
    params: { path: { cart_id: cart.data!.id } },
    body: { product_id: product.id, quantity },
  });
  expect(item.response.status).toBe(200);
  return cart.data!.id;
}

/** POST capability/execute with flat arguments and a token for `audience` (which side verifies it). */
function execute(audience: string, capability: string, args: Record<string, unknown>) {
  return executeAs(app, agent, capability, args, audience);
}

describe("constrained grants", () => {
  it("refuse arguments outside the limits on direct calls", async () => {
    const cart = await agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
    const tooMany = await agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cart.data!.id } },
      body: { product_id: product.id, quantity: 3 },
    });
    expect(tooMany.response.status).toBe(403);
    expect(tooMany.error).toMatchObject({ code: "constraint_violated" });
    expect((tooMany.error as { detail: string }).detail).toContain("quantity max 2");
    const withinLimits = await agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cart.data!.id } },
      body: { product_id: product.id, quantity: 1 },
    });
    expect(withinLimits.response.status).toBe(200);
  });

  // Flat arguments put `quantity` at the top level, where the plugin's own constraint check reads it.
  it.each([
    ["the plugin (token for the issuer)", () => `${app.baseUrl}/api/auth`],
    ["the plugin (token for the execute URL)", () => `${app.baseUrl}/api/auth/capability/execute`],
    ["our fast path (token for the API)", () => `${app.baseUrl}/v1`],
  ])("hold on execute verified by %s: quantity 1 is added, quantity 3 is refused", async (_, audience) => {
    const cart = await agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
    const args = { cart_id: cart.data!.id, product_id: product.id };
    const allowed = await execute(audience(), "addCartItem", { ...args, quantity: 1 });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body.data).toMatchObject({ id: cart.data!.id, items: [expect.objectContaining({ quantity: 1 })] });
    const refused = await execute(audience(), "addCartItem", { ...args, quantity: 3 });
    expect(refused).toMatchObject({ status: 403, body: { error: "constraint_violated" } });
    const after = await agent.client.GET("/v1/carts/{cart_id}", { params: { path: { cart_id: cart.data!.id } } });
    expect(after.data!.items).toEqual([expect.objectContaining({ quantity: 1 })]);
  });

  it("check an order's priced total: within the limit it is placed, above it nothing happens", async () => {
    const small = await agent.client.POST("/v1/orders", {
      params: { header: { "Idempotency-Key": randomUUID() } },
      body: { cart_id: await cartWith(1) },
    });
    expect(small.response.status).toBe(201);

    const stockBefore = (await agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } })).data!
      .inventory;
    const big = await agent.client.POST("/v1/orders", {
      params: { header: { "Idempotency-Key": randomUUID() } },
      body: { cart_id: await cartWith(2) },
    });
    expect(big.response.status).toBe(403);
    expect((big.error as { detail: string }).detail).toContain("total_amount max 2000 (got 2400)");
    const stockAfter = (await agent.client.GET("/v1/products/{product_id}", { params: { path: { product_id: product.id } } })).data!
      .inventory;
    expect(stockAfter).toBe(stockBefore);
  });
});
