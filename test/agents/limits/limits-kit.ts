import { randomUUID } from "node:crypto";
import type { AgentConnection } from "../../../generated/sdk/index.js";
import { tenantOf } from "../../../src/db/tenant.js";
import { TenantScope } from "../../../src/db/tenant-scope.js";
import { type AgentLimits, NO_LIMITS, saveAgentLimits } from "../../../src/services/agent-limits/agent-limits.js";
import { issueApiKey, type StoreOwner, type TestApp } from "../../support/test-app.js";
import { connectTestAgent, decide } from "../agent-test-kit.js";

/** What an agent that shops needs; approved at once by its store's owner. */
export const SHOPPING = [
  "listProducts",
  "getProduct",
  "createCart",
  "getCart",
  "addCartItem",
  "updateCartItem",
  "placeOrder",
  "getOrder",
] as const;

/** An approved shopping agent of the owner's store (pinned to it, as the pages do). */
export async function approvedShopper(app: TestApp, owner: StoreOwner): Promise<AgentConnection> {
  const connected = await connectTestAgent(app, SHOPPING);
  const decided = await decide(app, owner, connected, "approve");
  if (decided.status !== 200) throw new Error(`approval failed: ${decided.status} ${JSON.stringify(decided.body)}`);
  await app.db
    .updateTable("agent")
    .set({ metadata: JSON.stringify({ organizationId: owner.organizationId }) })
    .where("id", "=", connected.agent.session.agentId)
    .execute();
  return connected.agent;
}

/** The agent's limits written as the pages write them (the store's scope). */
export async function setLimits(app: TestApp, owner: StoreOwner, agentId: string, limits: Partial<AgentLimits>): Promise<void> {
  await saveAgentLimits(new TenantScope(app.db, tenantOf(owner.organizationId)), agentId, { ...NO_LIMITS, ...limits }, owner.userId);
}

/** A product priced `price` EUR minor units with plenty of stock, created with an admin key. */
export async function stockedProduct(app: TestApp, admin: string, price: number): Promise<{ id: string }> {
  const response = await fetch(`${app.baseUrl}/v1/admin/products`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": admin, "idempotency-key": randomUUID() },
    body: JSON.stringify({
      sku: `LIM-${randomUUID().slice(0, 8)}`,
      name: "Limited mug",
      price: { amount: price, currency: "EUR" },
      inventory: 500,
    }),
  });
  if (response.status !== 201) throw new Error(`product not created: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

export async function adminKey(app: TestApp, owner: StoreOwner): Promise<string> {
  return issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] });
}

/** A cart of the agent holding `quantity` of the product. */
export async function agentCart(agent: AgentConnection, productId: string, quantity: number): Promise<string> {
  const cart = await agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
  const item = await agent.client.POST("/v1/carts/{cart_id}/items", {
    params: { path: { cart_id: cart.data!.id } },
    body: { product_id: productId, quantity },
  });
  if (item.response.status !== 200) throw new Error(`item not added: ${item.response.status} ${JSON.stringify(item.error)}`);
  return cart.data!.id;
}

export function placeByAgent(agent: AgentConnection, cartId: string) {
  return agent.client.POST("/v1/orders", { params: { header: { "Idempotency-Key": randomUUID() } }, body: { cart_id: cartId } });
}

/** A merchant call with the admin key (refunds, cancellations). */
export async function adminCall(
  app: TestApp,
  key: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key, "idempotency-key": randomUUID() },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
