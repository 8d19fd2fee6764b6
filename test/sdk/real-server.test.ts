/*
 * The SDK against the real application (Better Auth + agent-auth plugin +
 * our API): a new host registers for everything and waits for one approval;
 * then a second agent of the now trusted host gets the reads at once and
 * waits only for the rest, which the merchant denies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApprovalDeniedError,
  type ApprovalInfo,
  type CapabilityName,
  connectAgent,
  forgetAgent,
  MemoryIdentityStorage,
} from "../../generated/sdk/index.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const AUTO: CapabilityName[] = ["listProducts", "getProduct", "createCart"];
const REST: CapabilityName[] = ["addCartItem", "placeOrder"];
const WANTED = [...AUTO, ...REST];
const PASSWORD = "password-1234";

let app: TestApp;
let merchant: Headers;

beforeAll(async () => {
  app = await startTestApp();
  const email = `merchant-${Date.now()}@example.com`;
  const { user } = await app.auth.api.signUpEmail({ body: { email, password: PASSWORD, name: "Merchant" } });
  await app.auth.api.createOrganization({ body: { name: "Shop", slug: `shop-${Date.now()}`, userId: user.id } });
  // A fresh session: approving needs one younger than the plugin's freshSessionWindow.
  const { headers } = await app.auth.api.signInEmail({ body: { email, password: PASSWORD }, returnHeaders: true });
  const cookie = (headers.get("set-cookie") ?? "").split(";")[0]!;
  merchant = new Headers({ cookie });
});
afterAll(() => app?.close());

async function decide(agentId: string, approval: ApprovalInfo | undefined, action: "approve" | "deny") {
  await app.auth.api.approveCapability({
    body: { agent_id: agentId, action, ...(approval?.user_code ? { user_code: approval.user_code } : {}) },
    headers: merchant,
  });
}

describe("agent SDK against the real server", () => {
  const storage = new MemoryIdentityStorage();

  it("new host: one registration for everything, one approval, then the API answers the agent", async () => {
    const approvals: ApprovalInfo[] = [];
    const agent = await connectAgent({
      baseUrl: app.baseUrl,
      name: "SDK test agent",
      hostName: "vitest",
      capabilities: WANTED,
      storage,
      wait: false,
      onApproval: (approval) => void approvals.push(approval),
    });
    expect(agent.hostTrusted).toBe(false);
    expect(agent.registration).toMatchObject({ status: "pending", granted: [], pending: WANTED });
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ method: "device_authorization", user_code: expect.any(String) });
    expect(approvals[0]!.verification_uri_complete).toContain(agent.registration.agentId);

    // Pending: the API refuses the agent.
    const refused = await agent.client.GET("/v1/products");
    expect(refused.response.status).toBe(403);

    await decide(agent.registration.agentId, approvals[0], "approve");
    const ready = await agent.waitForApproval();
    expect(ready).toMatchObject({ status: "active", granted: WANTED, pending: [], missing: [] });
    expect(agent.ready).toBe(true);
    expect((await storage.load())?.host.trusted).toBe(true);

    const products = await agent.client.GET("/v1/products");
    expect(products.response.status).toBe(200);
    const cart = await agent.client.POST("/v1/carts", { body: { currency: "EUR" } });
    expect(cart.response.status).toBe(201);
  });

  it("trusted host: a new agent browses at once while the rest waits, and a denial surfaces as ApprovalDeniedError", async () => {
    await forgetAgent(storage);
    const approvals: ApprovalInfo[] = [];
    const agent = await connectAgent({
      baseUrl: app.baseUrl,
      name: "SDK test agent 2",
      capabilities: WANTED,
      storage,
      wait: false,
      onApproval: (approval) => void approvals.push(approval),
    });
    expect(agent.hostTrusted).toBe(true);
    expect(agent.registration).toMatchObject({ status: "active", granted: AUTO, pending: REST });
    expect(approvals).toHaveLength(1);
    expect((await agent.client.GET("/v1/products")).response.status).toBe(200);

    await decide(agent.registration.agentId, approvals[0], "deny");
    const error = await agent.waitForApproval().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApprovalDeniedError);
    expect(new Set((error as ApprovalDeniedError).deniedCapabilities)).toEqual(new Set(REST));
    // The reads still work.
    expect((await agent.client.GET("/v1/products")).response.status).toBe(200);
  });
});
