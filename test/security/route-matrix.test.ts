/*
 * Every /api/auth route of the inventory × { anonymous, stranger, member of
 * another store, plain member, owner }, with the outcome the inventory
 * documents: disabled routes are 404 for everyone; a route that takes a
 * credential refuses anonymous callers; nothing answers 5xx. Then the routes
 * that change something of owner A's (agent, host, store, members, keys) are
 * tried by every other caller, and what they target is read back unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthRoute, authRoutes } from "../../src/auth/inventory/auth-routes.js";
import { agentRow, hostKey, hostRow, linkedHost, type Person, startWorld, type World } from "./support/attack-world.js";
import { type Agent, call } from "./support/protocol-client.js";

type CallerName = "anonymous" | "stranger" | "otherStore" | "member" | "owner";

function concrete(path: string): string {
  return path.replace(":token", "some-token").replace(":id", "some-provider");
}

describe("route matrix: every /api/auth route × every kind of caller", () => {
  let world: World;
  let callers: Record<CallerName, Person | null>;
  let ownersAgent: Agent;
  let ownersHostId: string;

  beforeAll(async () => {
    world = await startWorld();
    callers = { anonymous: null, stranger: world.stranger, otherStore: world.ownerB, member: world.memberA, owner: world.ownerA };
    const linked = await linkedHost(world, world.ownerA);
    ownersAgent = linked.agent;
    ownersHostId = linked.host.id!;
  });
  afterAll(async () => world?.close());

  const routes = Object.entries(authRoutes as Record<string, AuthRoute>);

  it.each(routes)("%s answers each caller as documented", async (path, route) => {
    for (const [name, person] of Object.entries(callers) as [CallerName, Person | null][]) {
      for (const method of route.methods) {
        const answer = await call(world.app, `/api/auth${concrete(path)}`, {
          method,
          ...(person ? { cookie: person.cookie } : {}),
          ...(method === "POST" ? { body: {} } : {}),
        });
        const where = `${method} ${path} as ${name}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
        expect(answer.status, where).toBeLessThan(500);
        if (!route.enabled) {
          expect(answer.status, where).toBe(404);
        } else if (name === "anonymous" && route.credential !== "none") {
          // 415: a form-only OAuth endpoint refuses the JSON body before looking at any credential.
          expect([400, 401, 403, 415], where).toContain(answer.status);
        } else {
          expect(answer.status, where).not.toBe(404);
        }
      }
    }
  });

  it("nobody but the owner changes the owner's agent, host, store, members or keys", async () => {
    const organizationId = world.ownerA.organizationId;
    const member = await world.app.db
      .selectFrom("member")
      .select("id")
      .where("userId", "=", world.memberA.userId)
      .executeTakeFirstOrThrow();
    const ownersKey = await world.app.db
      .selectFrom("apikey")
      .select("id")
      .where("referenceId", "=", world.ownerA.userId)
      .executeTakeFirstOrThrow();
    const keyBefore = await hostKey(world, ownersHostId);
    const attempts: [string, Record<string, unknown>][] = [
      ["/agent/grant-capability", { agent_id: ownersAgent.id, capabilities: ["placeOrder"] }],
      ["/agent/approve-capability", { agent_id: ownersAgent.id, action: "deny" }],
      ["/agent/revoke", { agent_id: ownersAgent.id }],
      ["/agent/revoke-capability", { agent_id: ownersAgent.id, capabilities: ["listProducts"] }],
      ["/agent/update", { agent_id: ownersAgent.id, name: "taken" }],
      ["/host/update", { host_id: ownersHostId, name: "taken" }],
      ["/host/revoke", { host_id: ownersHostId }],
      ["/organization/update", { organizationId, data: { name: "Taken" } }],
      ["/organization/update-member-role", { organizationId, memberId: member.id, role: "owner" }],
      ["/organization/remove-member", { organizationId, memberIdOrEmail: world.adminA.email }],
      ["/organization/invite-member", { organizationId, email: "accomplice@example.com", role: "owner" }],
      ["/api-key/update", { keyId: ownersKey.id, enabled: false }],
      ["/api-key/delete", { keyId: ownersKey.id }],
    ];
    for (const name of ["anonymous", "stranger", "otherStore", "member"] as const) {
      const person = callers[name];
      for (const [path, body] of attempts) {
        const answer = await call(world.app, `/api/auth${path}`, { ...(person ? { cookie: person.cookie } : {}), body });
        expect(answer.status, `${path} as ${name}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${path} as ${name}`).toBeLessThan(500);
      }
    }
    expect(await agentRow(world, ownersAgent.id)).toMatchObject({ status: "active", userId: world.ownerA.userId });
    expect(await hostRow(world, ownersHostId)).toMatchObject({ status: "active", userId: world.ownerA.userId });
    expect(await hostKey(world, ownersHostId)).toBe(keyBefore);
    const store = await world.app.db.selectFrom("organization").select("name").where("id", "=", organizationId).executeTakeFirstOrThrow();
    expect(store.name).toBe("Store A");
    const roles = await world.app.db.selectFrom("member").select(["userId", "role"]).where("organizationId", "=", organizationId).execute();
    expect(Object.fromEntries(roles.map((row) => [row.userId, row.role]))).toEqual({
      [world.ownerA.userId]: "owner",
      [world.adminA.userId]: "admin",
      [world.memberA.userId]: "member",
    });
    const key = await world.app.db.selectFrom("apikey").select("enabled").where("id", "=", ownersKey.id).executeTakeFirst();
    expect(key?.enabled).not.toBe(false);
    const invitations = await world.app.db
      .selectFrom("invitation" as never)
      .selectAll()
      .execute()
      .catch(() => []);
    expect(invitations).toEqual([]);
  });
});
