/*
 * Attacks 3, 4 and the approval endpoint's smaller holes: CIBA used to skip
 * a victim's user code, unsolicited CIBA into another merchant's inbox,
 * denying without the code, approval_id and agent_id naming different
 * agents, and approving more than the request showed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRow, approvalRequestsFor, grantsOf, linkedHost, startWorld, type World } from "./support/attack-world.js";
import { call, hostJwt, newHost, register } from "./support/protocol-client.js";

describe("attack: approving or denying someone else's agent", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it("B's trusted host cannot put a victim's pending agent into B's own inbox (user code bypass)", async () => {
    const victim = await register(world.app, await newHost(), ["listProducts", "placeOrder"]);
    const { host } = await linkedHost(world, world.ownerB);
    const before = await approvalRequestsFor(world, world.ownerB.userId);
    const ciba = await call(world.app, "/api/auth/agent/ciba/authorize", {
      bearer: await hostJwt(world.app, host),
      body: { agent_id: victim.id, login_hint: world.ownerB.email, capabilities: ["listProducts"] },
    });
    expect(ciba).toMatchObject({ status: 403, body: { error: "agent_not_of_host" } });
    expect(await approvalRequestsFor(world, world.ownerB.userId)).toEqual(before);
    // Nor can B approve the victim by agent_id without its code.
    const approved = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: world.ownerB.cookie,
      body: { agent_id: victim.id, action: "approve" },
    });
    expect(approved.status).toBeGreaterThanOrEqual(400);
    expect(await agentRow(world, victim.id)).toMatchObject({ status: "pending", userId: null });
  });

  it("a host cannot send an unsolicited CIBA request into another merchant's inbox", async () => {
    const { host, agent } = await linkedHost(world, world.stranger);
    const before = await approvalRequestsFor(world, world.ownerA.userId);
    const ciba = await call(world.app, "/api/auth/agent/ciba/authorize", {
      bearer: await hostJwt(world.app, host),
      body: { agent_id: agent.id, login_hint: world.ownerA.email, capabilities: ["adminListOrders"] },
    });
    expect(ciba).toMatchObject({ status: 403, body: { error: "ciba_user_not_linked" } });
    expect(await approvalRequestsFor(world, world.ownerA.userId)).toEqual(before);
    const inbox = await call(world.app, "/api/auth/agent/ciba/pending", { cookie: world.ownerA.cookie });
    expect(JSON.stringify(inbox.body)).not.toContain(agent.id);
  });

  it("CIBA to the host's own linked user still works, and approving it activates only what it showed", async () => {
    const { host, agent } = await linkedHost(world, world.ownerA);
    const ciba = await call(world.app, "/api/auth/agent/ciba/authorize", {
      bearer: await hostJwt(world.app, host),
      body: { agent_id: agent.id, login_hint: world.ownerA.email, capabilities: ["createCart"] },
    });
    expect(ciba.status).toBe(200);
    const approvalId = String(ciba.body.auth_req_id);
    // approval_id and agent_id must name the same agent.
    const other = await register(world.app, await newHost(), ["listProducts"]);
    const mismatch = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: world.ownerA.cookie,
      body: { approval_id: approvalId, agent_id: other.id, action: "approve" },
    });
    expect(mismatch).toMatchObject({ status: 400, body: { error: "approval_mismatch" } });
    expect(await agentRow(world, other.id)).toMatchObject({ status: "pending", userId: null });
    // Someone else cannot decide it.
    const notAddressee = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: world.adminA.cookie,
      body: { approval_id: approvalId, action: "deny" },
    });
    expect(notAddressee).toMatchObject({ status: 403, body: { error: "not_the_addressee" } });
    // Asking for more than the request showed is refused.
    const more = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: world.ownerA.cookie,
      body: { approval_id: approvalId, action: "approve", capabilities: ["createCart", "adminCancelOrder"] },
    });
    expect(more).toMatchObject({ status: 400, body: { error: "capability_not_requested" } });
  });

  it("a stranger cannot deny someone's pending agent without its code", async () => {
    const victim = await register(world.app, await newHost(), ["listProducts"]);
    const before = await grantsOf(world, victim.id);
    const denied = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: world.stranger.cookie,
      body: { agent_id: victim.id, action: "deny" },
    });
    expect(denied).toMatchObject({ status: 403, body: { error: "invalid_user_code" } });
    expect(await agentRow(world, victim.id)).toMatchObject({ status: "pending", userId: null });
    expect(await grantsOf(world, victim.id)).toEqual(before);
    // With the code, the merchant may deny.
    const withCode = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: world.ownerA.cookie,
      body: { agent_id: victim.id, action: "deny", user_code: victim.userCode },
    });
    expect(withCode.status).toBe(200);
    expect(await agentRow(world, victim.id)).toMatchObject({ status: "rejected" });
  });

  it("a plain member cannot approve admin capabilities, even with the code", async () => {
    const agent = await register(world.app, await newHost(), ["listProducts", "adminListOrders"]);
    const approved = await call(world.app, "/api/auth/agent/approve-capability", {
      cookie: world.memberA.cookie,
      body: { agent_id: agent.id, action: "approve", user_code: agent.userCode },
    });
    expect(approved).toMatchObject({ status: 403, body: { error: "admin_approval_requires_admin" } });
    expect(await agentRow(world, agent.id)).toMatchObject({ status: "pending", userId: null });
    expect((await grantsOf(world, agent.id)).every((grant) => grant.status === "pending")).toBe(true);
  });
});
