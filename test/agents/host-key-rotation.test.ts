/*
 * host/rotate-key as protocol clients call it: the host JWT's `iss` is the
 * host key's JWK thumbprint, whatever id the server gave the host. Over real
 * HTTP with raw protocol calls.
 */
import { calculateJwkThumbprint } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRow, hostRow, startWorld, type World } from "../security/support/attack-world.js";
import { call, generateEd25519KeyPair, hostJwt, newHost, register } from "../security/support/protocol-client.js";

describe("host/rotate-key finds the host by its key thumbprint", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it("rotates a host made by host/create (random id) when iss is the key thumbprint; its agents follow", async () => {
    const host = await newHost();
    const created = await call(world.app, "/api/auth/host/create", {
      cookie: world.ownerA.cookie,
      body: { name: "laptop", public_key: host.keys.publicJwk },
    });
    expect(created.status).toBe(200);
    const createdId = String(created.body.hostId ?? created.body.host_id ?? created.body.id);
    const thumbprint = await calculateJwkThumbprint(host.keys.publicJwk);
    expect(createdId).not.toBe(thumbprint);
    const agent = await register(world.app, host, ["listProducts"]);
    expect(agent.host.id).toBe(createdId);

    const next = await generateEd25519KeyPair();
    const token = await hostJwt(world.app, host, { iss: thumbprint });
    const rotated = await call(world.app, "/api/auth/host/rotate-key", { bearer: token, body: { public_key: next.publicJwk } });
    expect(rotated).toMatchObject({ status: 200, body: { host_id: await calculateJwkThumbprint(next.publicJwk), status: "active" } });
    const newId = String(rotated.body.host_id);
    expect(await hostRow(world, newId)).toMatchObject({ userId: world.ownerA.userId, status: "active" });
    expect(await hostRow(world, createdId)).toBeUndefined();
    expect(await agentRow(world, agent.id)).toMatchObject({ hostId: newId });

    // The old key no longer works.
    const stale = await hostJwt(world.app, host, { iss: thumbprint });
    const refused = await call(world.app, "/api/auth/host/rotate-key", {
      bearer: stale,
      body: { public_key: (await generateEd25519KeyPair()).publicJwk },
    });
    expect(refused.status).toBe(401);
    expect(await hostRow(world, newId)).toMatchObject({ status: "active" });
  });

  it("renames nothing for a token not signed with the host's key", async () => {
    const host = await newHost();
    const created = await call(world.app, "/api/auth/host/create", {
      cookie: world.ownerA.cookie,
      body: { name: "desk", public_key: host.keys.publicJwk },
    });
    const createdId = String(created.body.hostId ?? created.body.host_id ?? created.body.id);
    const thumbprint = await calculateJwkThumbprint(host.keys.publicJwk);
    const forger = await generateEd25519KeyPair();
    // Claims the victim's key inline and its thumbprint as iss, signed with another key.
    const forged = await hostJwt(world.app, host, { iss: thumbprint, signingKey: forger.privateJwk });
    const answer = await call(world.app, "/api/auth/host/rotate-key", { bearer: forged, body: { public_key: forger.publicJwk } });
    expect([401, 404]).toContain(answer.status);
    expect(await hostRow(world, createdId)).toMatchObject({ status: "active" });
    expect(await hostRow(world, thumbprint)).toBeUndefined();
  });
});
