/*
 * The merchant's largest order total and largest line quantity for an agent
 * hold on /v1 and through capability/execute (the same handlers); a grant
 * expiry ends the agent's grants for our verifier and the plugin's alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoGrantedCapabilities } from "../../../generated/capabilities.js";
import type { AgentConnection } from "../../../generated/sdk/index.js";
import { setAgentLimits } from "../../../src/agents/limits/set-agent-limits.js";
import { NO_LIMITS } from "../../../src/services/agent-limits/agent-limits.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../../support/test-app.js";
import { executeAs } from "../agent-test-kit.js";
import { adminKey, agentCart, approvedShopper, placeByAgent, setLimits, stockedProduct } from "./limits-kit.js";

let app: TestApp;
let owner: StoreOwner;
let agent: AgentConnection;
let product: { id: string };

beforeAll(async () => {
  app = await startTestApp();
  owner = await createStoreOwner(app.auth, "Order Limits Store");
  product = await stockedProduct(app, await adminKey(app, owner), 1000); // 10.00 EUR
  agent = await approvedShopper(app, owner);
});

afterAll(async () => {
  await app?.close();
});

/** capability/execute with an API-audience token (our fast route) unless told otherwise. */
function execute(capability: string, args: unknown, audience = `${app.baseUrl}/v1`) {
  return executeAs(app, agent, capability, args, audience);
}

describe("largest order total", () => {
  it("refuses a larger order on /v1 and through execute, naming the limit; a smaller one is placed", async () => {
    await setLimits(app, owner, agent.session.agentId, { currency: "EUR", maxOrderAmount: 2500 });
    const big = await placeByAgent(agent, await agentCart(agent, product.id, 3));
    expect(big.response.status).toBe(403);
    expect(big.error).toMatchObject({ code: "order_total_limit_exceeded" });
    expect((big.error as { detail: string }).detail).toContain("orders up to 25.00 EUR; this order is 30.00 EUR");

    const viaExecute = await execute("placeOrder", { "Idempotency-Key": "exec-big", cart_id: await agentCart(agent, product.id, 3) });
    expect(viaExecute.status).toBe(403);
    expect(viaExecute.body).toMatchObject({ code: "order_total_limit_exceeded" });

    expect((await placeByAgent(agent, await agentCart(agent, product.id, 2))).response.status).toBe(201);
  });
});

describe("largest quantity per line", () => {
  it("refuses growing a line past it when adding, updating, or ordering, on /v1 and through execute", async () => {
    const cartId = await agentCart(agent, product.id, 3);
    await setLimits(app, owner, agent.session.agentId, { maxLineQuantity: 2 });

    const added = await agent.client.POST("/v1/carts/{cart_id}/items", {
      params: { path: { cart_id: cartId } },
      body: { product_id: product.id, quantity: 1 },
    });
    expect(added.response.status).toBe(403);
    expect(added.error).toMatchObject({ code: "line_quantity_limit_exceeded", errors: [{ pointer: "/body/quantity" }] });

    const cart = await agent.client.GET("/v1/carts/{cart_id}", { params: { path: { cart_id: cartId } } });
    const itemId = cart.data!.items[0]!.id;
    const updated = await agent.client.PATCH("/v1/carts/{cart_id}/items/{item_id}", {
      params: { path: { cart_id: cartId, item_id: itemId } },
      body: { quantity: 5 },
    });
    expect(updated.error).toMatchObject({ code: "line_quantity_limit_exceeded" });
    const viaExecute = await execute("updateCartItem", { cart_id: cartId, item_id: itemId, quantity: 5 });
    expect(viaExecute.status).toBe(403);
    expect(viaExecute.body).toMatchObject({ code: "line_quantity_limit_exceeded" });

    // The line of 3 was added before the limit: the order is refused, naming the SKU.
    const ordered = await placeByAgent(agent, cartId);
    expect(ordered.error).toMatchObject({ code: "line_quantity_limit_exceeded" });
    expect(
      (
        await agent.client.PATCH("/v1/carts/{cart_id}/items/{item_id}", {
          params: { path: { cart_id: cartId, item_id: itemId } },
          body: { quantity: 2 },
        })
      ).response.status,
    ).toBe(200);
    expect((await placeByAgent(agent, cartId)).response.status).toBe(201);
  });
});

describe("grant expiry", () => {
  it("after it, calls needing the agent's grants are refused on /v1, fast execute and the plugin's execute", async () => {
    const cartId = await agentCart(agent, product.id, 1);
    const expiresAt = new Date(Date.now() + 2_000);
    await setAgentLimits(app.db, app.authStateChanges, {
      organizationId: owner.organizationId,
      agentId: agent.session.agentId,
      limits: { ...NO_LIMITS, grantsExpireAt: expiresAt },
      userId: owner.userId,
    });
    const grants = await app.db
      .selectFrom("agentCapabilityGrant")
      .select("expiresAt")
      .where("agentId", "=", agent.session.agentId)
      .where("status", "=", "active")
      .execute();
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((grant) => grant.expiresAt?.getTime() === expiresAt.getTime())).toBe(true);
    expect((await agent.client.GET("/v1/carts/{cart_id}", { params: { path: { cart_id: cartId } } })).response.status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 100));
    const direct = await agent.client.GET("/v1/carts/{cart_id}", { params: { path: { cart_id: cartId } } });
    expect(direct.response.status).toBe(403);
    expect(direct.error).toMatchObject({ code: "capability_not_granted" });
    expect((await execute("getCart", { cart_id: cartId })).status).toBe(403);
    const viaPlugin = await execute("getCart", { cart_id: cartId }, `${app.baseUrl}/api/auth`);
    expect(viaPlugin.status).toBe(403);
    expect(viaPlugin.body).toMatchObject({ error: "capability_not_granted" });
  });

  it("after it, a host default the agent never held is not granted on the spot either (fast execute, both audiences, and the plugin's batch route)", async () => {
    // Runs after the expiry above has passed. The host's defaults name a read the agent never held.
    const held = await app.db
      .selectFrom("agentCapabilityGrant")
      .select("capability")
      .where("agentId", "=", agent.session.agentId)
      .execute();
    const never = autoGrantedCapabilities.find((name) => !held.some((grant) => grant.capability === name) && name !== "listProducts");
    expect(never).toBeDefined();
    const { hostId } = await app.db.selectFrom("agent").select("hostId").where("id", "=", agent.session.agentId).executeTakeFirstOrThrow();
    await app.db
      .updateTable("agentHost")
      .set({ defaultCapabilities: JSON.stringify([...autoGrantedCapabilities]) })
      .where("id", "=", hostId!)
      .execute();
    for (const audience of [`${app.baseUrl}/v1`, `${app.baseUrl}/api/auth/capability/execute`]) {
      const answer = await execute(never!, {}, audience);
      expect(answer, audience).toMatchObject({ status: 403, body: { error: "capability_not_granted" } });
    }
    // The plugin's batch route (it would grant the default itself) is refused before it runs.
    const batch = await fetch(`${app.baseUrl}/api/auth/capability/batch-execute`, {
      method: "POST",
      headers: { authorization: `Bearer ${await agent.session.createJwt(`${app.baseUrl}/api/auth`)}`, "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ id: "1", capability: never, arguments: {} }] }),
    });
    expect(batch.status).toBe(403);
    expect(await batch.json()).toMatchObject({ error: "capability_not_granted", message: expect.stringContaining("grant expiry") });
    const granted = await app.db
      .selectFrom("agentCapabilityGrant")
      .select("id")
      .where("agentId", "=", agent.session.agentId)
      .where("capability", "=", never!)
      .execute();
    expect(granted).toEqual([]);
  });
});
