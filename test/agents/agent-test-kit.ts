import {
  type AgentConnection,
  type ApprovalInfo,
  type CapabilityName,
  connectAgent,
  type IdentityStorage,
  MemoryIdentityStorage,
} from "../../generated/sdk/index.js";
import { decideOverHttp, signInCookie } from "../support/merchant.js";
import { issueApiKey, type StoreOwner, type TestApp } from "../support/test-app.js";

export interface ConnectedAgent {
  readonly agent: AgentConnection;
  /** The approval it must show its merchant, when it needs one. */
  readonly approval: ApprovalInfo | undefined;
  readonly storage: IdentityStorage;
}

/** Connects an agent with the SDK without waiting for approval (a fresh host unless `storage` is reused). */
export async function connectTestAgent(
  app: Pick<TestApp, "baseUrl">,
  capabilities: readonly CapabilityName[],
  storage: IdentityStorage = new MemoryIdentityStorage(),
): Promise<ConnectedAgent> {
  let approval: ApprovalInfo | undefined;
  const agent = await connectAgent({
    baseUrl: app.baseUrl,
    name: "Test agent",
    hostName: "vitest",
    capabilities,
    storage,
    wait: false,
    onApproval: (info) => {
      approval = info;
    },
  });
  return { agent, approval, storage };
}

/** The merchant approves (or denies) the agent's pending request over HTTP, as the device page would. */
export async function decide(
  app: Pick<TestApp, "baseUrl">,
  merchant: StoreOwner,
  connected: ConnectedAgent,
  action: "approve" | "deny",
  capabilities?: string[],
) {
  const cookie = await signInCookie(app, merchant.email, merchant.password);
  return decideOverHttp(app, cookie, {
    agent_id: connected.agent.session.agentId,
    action,
    // Denying needs the same proof as approving: the code the agent showed.
    ...(connected.approval?.user_code ? { user_code: connected.approval.user_code } : {}),
    ...(capabilities ? { capabilities } : {}),
  });
}

/** A product in the owner's store, created with an admin API key over HTTP. */
export async function createProduct(app: TestApp, owner: StoreOwner, sku: string): Promise<{ id: string }> {
  const key = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] });
  const response = await fetch(`${app.baseUrl}/v1/admin/products`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key, "idempotency-key": `create-${sku}` },
    body: JSON.stringify({ sku, name: `Product ${sku}`, price: { amount: 1200, currency: "EUR" }, inventory: 5 }),
  });
  if (response.status !== 201) throw new Error(`product not created: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/** A paid order in the owner's store (one unit of `product`), placed with a storefront API key over HTTP. */
export async function placeTestOrder(
  app: TestApp,
  owner: StoreOwner,
  product: { id: string },
): Promise<{ id: string; total: { amount: number; currency: string } }> {
  const key = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
  const call = async (path: string, body: unknown, extra: Record<string, string> = {}) => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key, ...extra },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; total: { amount: number; currency: string } };
  };
  const cart = await call("/v1/carts", { currency: "EUR" });
  await call(`/v1/carts/${cart.id}/items`, { product_id: product.id, quantity: 1 });
  return call("/v1/orders", { cart_id: cart.id }, { "idempotency-key": `order-${cart.id}` });
}

/**
 * POST capability/execute as the SDK agent with `arguments` (omitted when
 * undefined) and a token for `audience`: the issuer by default, as protocol
 * clients sign; `<origin>/v1` or the execute URL to pick the verifier.
 */
export async function executeAs(
  app: TestApp,
  agent: AgentConnection,
  capability: string,
  args?: unknown,
  audience?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.baseUrl}/api/auth/capability/execute`, {
    method: "POST",
    headers: { authorization: `Bearer ${await agent.session.createJwt(audience)}`, "content-type": "application/json" },
    body: JSON.stringify({ capability, ...(args === undefined ? {} : { arguments: args }) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
