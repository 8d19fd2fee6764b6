/*
 * An agent's store is fixed once set: grants were approved for that store,
 * and re-pointing the agent (agent/update metadata, or a second approval
 * choosing another store) would carry them across the boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRow, linkedHost, startWorld, type World } from "./support/attack-world.js";
import { call } from "./support/protocol-client.js";

describe("attack: moving an agent to another store", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it("pins only to a store of the user's, and never moves a pinned agent", async () => {
    const { agent } = await linkedHost(world, world.adminA);
    const foreign = await call(world.app, "/api/auth/agent/update", {
      cookie: world.adminA.cookie,
      body: { agent_id: agent.id, metadata: { organizationId: world.ownerB.organizationId } },
    });
    expect(foreign).toMatchObject({ status: 403, body: { error: "not_a_member" } });
    const own = await call(world.app, "/api/auth/agent/update", {
      cookie: world.adminA.cookie,
      body: { agent_id: agent.id, metadata: { organizationId: world.adminA.organizationId } },
    });
    expect(own.status).toBe(200);

    // adminA now also belongs to store B, and tries to move the agent there.
    await world.app.auth.api.addMember({
      body: { userId: world.adminA.userId, organizationId: world.ownerB.organizationId, role: "admin" },
    });
    const moved = await call(world.app, "/api/auth/agent/update", {
      cookie: world.adminA.cookie,
      body: { agent_id: agent.id, metadata: { organizationId: world.ownerB.organizationId } },
    });
    expect(moved).toMatchObject({ status: 403, body: { error: "store_pin_fixed" } });
    const dropped = await call(world.app, "/api/auth/agent/update", {
      cookie: world.adminA.cookie,
      body: { agent_id: agent.id, metadata: { note: "no pin" } },
    });
    expect(dropped).toMatchObject({ status: 403, body: { error: "store_pin_fixed" } });
    expect(JSON.parse(String((await agentRow(world, agent.id))?.metadata))).toMatchObject({ organizationId: world.adminA.organizationId });
  });
});
