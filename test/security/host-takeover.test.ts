/*
 * Attack 2: host takeover. A host's agents act as the host's user, so
 * changing its key, moving it to another account or revoking it is taking
 * over (or cutting off) that user. Each refusal is checked against the host
 * row and its agents read back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoGrantedCapabilities } from "../../generated/capabilities.js";
import { generateEd25519KeyPair } from "../../generated/sdk/index.js";
import { agentRow, hostKey, hostRow, linkedHost, startWorld, type World } from "./support/attack-world.js";
import { call, hostJwt, newHost, register } from "./support/protocol-client.js";

describe("attack: taking over or cutting off someone else's host", () => {
  let world: World;
  let ownersHostId: string;
  let ownersAgentId: string;
  beforeAll(async () => {
    world = await startWorld();
    const { host, agent } = await linkedHost(world, world.ownerA);
    ownersHostId = host.id!;
    ownersAgentId = agent.id;
  });
  afterAll(async () => world?.close());

  it("a plain member cannot put their key and admin defaults on the owner's host", async () => {
    const keyBefore = await hostKey(world, ownersHostId);
    const attackerKeys = await generateEd25519KeyPair();
    const updated = await call(world.app, "/api/auth/host/update", {
      cookie: world.memberA.cookie,
      body: { host_id: ownersHostId, public_key: attackerKeys.publicJwk, default_capabilities: ["adminListOrders", "adminCancelOrder"] },
    });
    expect(updated.status).toBe(403);
    expect(await hostKey(world, ownersHostId)).toBe(keyBefore);
    expect(await hostRow(world, ownersHostId)).toMatchObject({ userId: world.ownerA.userId, status: "active" });
  });

  it("even an admin of the store cannot change the owner's host key", async () => {
    const keyBefore = await hostKey(world, ownersHostId);
    const attackerKeys = await generateEd25519KeyPair();
    const updated = await call(world.app, "/api/auth/host/update", {
      cookie: world.adminA.cookie,
      body: { host_id: ownersHostId, public_key: attackerKeys.publicJwk },
    });
    expect(updated).toMatchObject({ status: 403, body: { error: "host_not_yours" } });
    expect(await hostKey(world, ownersHostId)).toBe(keyBefore);
  });

  it("the owner cannot give their own host non-auto-granted defaults either", async () => {
    const updated = await call(world.app, "/api/auth/host/update", {
      cookie: world.ownerA.cookie,
      body: { host_id: ownersHostId, default_capabilities: ["adminCancelOrder"] },
    });
    expect(updated).toMatchObject({ status: 403, body: { error: "default_capability_not_allowed" } });
    const created = await call(world.app, "/api/auth/host/create", {
      cookie: world.ownerA.cookie,
      body: { name: "laptop", default_capabilities: ["placeOrder"] },
    });
    expect(created).toMatchObject({ status: 403, body: { error: "default_capability_not_allowed" } });
    const allowed = await call(world.app, "/api/auth/host/update", {
      cookie: world.ownerA.cookie,
      body: { host_id: ownersHostId, default_capabilities: [...autoGrantedCapabilities] },
    });
    expect(allowed.status).toBe(200);
  });

  it("switch-account is not served: nobody moves a host to themselves", async () => {
    for (const person of [world.memberA, world.adminA, world.stranger, world.ownerA]) {
      const switched = await call(world.app, "/api/auth/host/switch-account", { cookie: person.cookie, body: { host_id: ownersHostId } });
      expect(switched.status).toBe(404);
    }
    expect(await hostRow(world, ownersHostId)).toMatchObject({ userId: world.ownerA.userId, status: "active" });
    expect(await agentRow(world, ownersAgentId)).toMatchObject({ status: "active" });
  });

  it("a plain member cannot revoke the owner's host", async () => {
    const revoked = await call(world.app, "/api/auth/host/revoke", { cookie: world.memberA.cookie, body: { host_id: ownersHostId } });
    expect(revoked).toMatchObject({ status: 403, body: { error: "host_not_yours" } });
    expect(await hostRow(world, ownersHostId)).toMatchObject({ status: "active" });
    expect(await agentRow(world, ownersAgentId)).toMatchObject({ status: "active" });
  });

  it("a stranger can neither revoke nor update a host that has no user yet", async () => {
    const host = await newHost();
    const agent = await register(world.app, host, ["listProducts"]);
    const before = await hostRow(world, host.id!);
    const revoked = await call(world.app, "/api/auth/host/revoke", { cookie: world.stranger.cookie, body: { host_id: host.id } });
    expect(revoked.status).toBe(403);
    const updated = await call(world.app, "/api/auth/host/update", {
      cookie: world.stranger.cookie,
      body: { host_id: host.id, name: "mine now" },
    });
    expect(updated.status).toBe(403);
    expect(await hostRow(world, host.id!)).toEqual(before);
    expect(await agentRow(world, agent.id)).toMatchObject({ status: "pending" });
  });

  it("an owner may revoke a plain member's host in their store; a host may revoke itself", async () => {
    const members = await linkedHost(world, world.memberA);
    const byOwner = await call(world.app, "/api/auth/host/revoke", { cookie: world.ownerA.cookie, body: { host_id: members.host.id } });
    expect(byOwner.status).toBe(200);
    expect(await hostRow(world, members.host.id!)).toMatchObject({ status: "revoked" });

    const own = await linkedHost(world, world.ownerB);
    const bySelf = await call(world.app, "/api/auth/host/revoke", { bearer: await hostJwt(world.app, own.host), body: {} });
    expect(bySelf.status).toBe(200);
    expect(await hostRow(world, own.host.id!)).toMatchObject({ status: "revoked" });
  });

  it("host/rotate-key works for a host with agents, and the agents follow the new id", async () => {
    const { host, agent } = await linkedHost(world, world.ownerB);
    const next = await generateEd25519KeyPair();
    const rotated = await call(world.app, "/api/auth/host/rotate-key", {
      bearer: await hostJwt(world.app, host),
      body: { public_key: next.publicJwk },
    });
    expect(rotated.status).toBe(200);
    const newId = String(rotated.body.host_id);
    expect(await hostRow(world, newId)).toMatchObject({ userId: world.ownerB.userId, status: "active" });
    expect(await agentRow(world, agent.id)).toMatchObject({ hostId: newId, status: "active" });
  });
});
