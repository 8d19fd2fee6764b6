/*
 * Attack 1: grants without approval. The plugin's grant-capability let any
 * session grant anything to any agent it could name, pending ones included;
 * the grants went live when a merchant later approved the agent for
 * something harmless. Each test asserts the refusal and reads the grants back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRow, grantsOf, linkedHost, startWorld, type World } from "./support/attack-world.js";
import { agentJwt, apiAudience, call, hostJwt, newHost, register } from "./support/protocol-client.js";

const ADMIN = ["adminListOrders", "adminCancelOrder", "adminRefundOrder"];

describe("attack: granting capabilities without the merchant's approval", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it("store B cannot grant admin capabilities to its own pending agent, nor CIBA it into A's inbox", async () => {
    const host = await newHost();
    const agent = await register(world.app, host, ["listProducts"]);
    const before = await grantsOf(world, agent.id);

    const granted = await call(world.app, "/api/auth/agent/grant-capability", {
      cookie: world.ownerB.cookie,
      body: { agent_id: agent.id, capabilities: ADMIN },
    });
    expect(granted).toMatchObject({ status: 403, body: { error: "grant_not_allowed" } });
    expect(await grantsOf(world, agent.id)).toEqual(before);

    const ciba = await call(world.app, "/api/auth/agent/ciba/authorize", {
      bearer: await hostJwt(world.app, host),
      body: { login_hint: world.ownerA.email, agent_id: agent.id, capabilities: ["listProducts"] },
    });
    expect([401, 403]).toContain(ciba.status); // an unapproved host cannot use CIBA at all
    const inbox = await call(world.app, "/api/auth/agent/ciba/pending", { cookie: world.ownerA.cookie });
    expect(JSON.stringify(inbox.body)).not.toContain(agent.id);
    expect(await agentRow(world, agent.id)).toMatchObject({ status: "pending", userId: null });
  });

  it("B's own trusted agent, admin in B's store, cannot CIBA its way into A's store", async () => {
    const { host, agent } = await linkedHost(world, world.ownerB);
    const ciba = await call(world.app, "/api/auth/agent/ciba/authorize", {
      bearer: await hostJwt(world.app, host),
      body: { login_hint: world.ownerA.email, agent_id: agent.id, capabilities: ["listProducts"] },
    });
    expect(ciba).toMatchObject({ status: 403, body: { error: "ciba_user_not_linked" } });
    const inbox = await call(world.app, "/api/auth/agent/ciba/pending", { cookie: world.ownerA.cookie });
    expect(JSON.stringify(inbox.body)).not.toContain(agent.id);
    expect(await agentRow(world, agent.id)).toMatchObject({ userId: world.ownerB.userId });
    const orders = await call(world.app, "/v1/admin/orders", { bearer: await agentJwt(agent, apiAudience(world.app)) });
    expect(orders.status).toBe(403); // no admin grant: never A's orders
  });

  it("a plain member cannot grant admin capabilities to their own active agent", async () => {
    const { agent } = await linkedHost(world, world.memberA);
    const before = await grantsOf(world, agent.id);
    const granted = await call(world.app, "/api/auth/agent/grant-capability", {
      cookie: world.memberA.cookie,
      body: { agent_id: agent.id, capabilities: ["adminListOrders"] },
    });
    expect(granted).toMatchObject({ status: 403, body: { error: "admin_approval_requires_admin" } });
    expect(await grantsOf(world, agent.id)).toEqual(before);
  });

  it("a stranger cannot add grants to someone else's pending agent", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts", "placeOrder"]);
    const before = await grantsOf(world, agent.id);
    const granted = await call(world.app, "/api/auth/agent/grant-capability", {
      cookie: world.stranger.cookie,
      body: { agent_id: agent.id, capabilities: ["placeOrder"] },
    });
    expect(granted.status).toBe(403);
    expect(await grantsOf(world, agent.id)).toEqual(before);
    expect(await agentRow(world, agent.id)).toMatchObject({ status: "pending", userId: null });
  });

  it("nobody grants a passkey-strength capability directly, not even the store owner to their own agent", async () => {
    const { agent } = await linkedHost(world, world.ownerA);
    const before = await grantsOf(world, agent.id);
    const granted = await call(world.app, "/api/auth/agent/grant-capability", {
      cookie: world.ownerA.cookie,
      body: { agent_id: agent.id, capabilities: ["adminRefundOrder"] },
    });
    expect(granted).toMatchObject({ status: 403, body: { error: "webauthn_approval_only" } });
    expect(await grantsOf(world, agent.id)).toEqual(before);
  });

  it("the owner may grant a storefront capability to their own active agent (the guard is not a wall)", async () => {
    const { agent } = await linkedHost(world, world.ownerA);
    const granted = await call(world.app, "/api/auth/agent/grant-capability", {
      cookie: world.ownerA.cookie,
      body: { agent_id: agent.id, capabilities: ["placeOrder", "adminListOrders"] },
    });
    expect(granted.status).toBe(200);
    expect((await grantsOf(world, agent.id)).filter((grant) => grant.status === "active").map((grant) => grant.capability)).toEqual(
      expect.arrayContaining(["placeOrder", "adminListOrders"]),
    );
  });
});
