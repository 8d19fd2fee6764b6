/*
 * The world every attack runs in: a real server (startTestApp: Better Auth,
 * the plugin, our guards, over HTTP) with two stores. Store A has an owner,
 * an admin and a plain member; store B an owner; a stranger has signed up
 * but belongs to no store. Each person has a session cookie (signed in over
 * HTTP) and, for members, API keys. Helpers link hosts to people the honest
 * way (a device approval with the code) and read back what an attack must
 * not have changed.
 */

import { PRODUCTION_RATE_LIMITS, type RateLimitOverrides } from "../../../src/auth/rate-limits.js";
import { signInCookie } from "../../support/merchant.js";
import { createStoreOwner, issueApiKey, type StoreOwner, startTestApp, TEST_PASSWORD, type TestApp } from "../../support/test-app.js";
import { type Agent, call, generateEd25519KeyPair, type Host, newHost, register } from "./protocol-client.js";

export interface Person {
  readonly userId: string;
  readonly email: string;
  readonly cookie: string;
}

export interface Member extends Person {
  readonly organizationId: string;
  readonly storefrontKey: string;
}

export interface World {
  readonly app: TestApp;
  readonly ownerA: Member & { readonly adminKey: string };
  readonly adminA: Member;
  readonly memberA: Member;
  readonly ownerB: Member & { readonly adminKey: string };
  readonly stranger: Person;
  close(): Promise<void>;
}

let people = 0;

/**
 * The attacks make hundreds of calls from 127.0.0.1 in seconds; what they test
 * is authorization, so the per-address budgets are raised (the rate limits
 * have their own attacks in sign-in-limits.test.ts). The per-account lock stays.
 */
const MANY_CALLS_FROM_ONE_ADDRESS: RateLimitOverrides = {
  general: { window: 10, max: 100_000 },
  routes: Object.fromEntries(Object.keys(PRODUCTION_RATE_LIMITS.routes).map((route) => [route, { window: 60, max: 100_000 }])),
};

export async function startWorld(): Promise<World> {
  const app = await startTestApp({ rateLimits: MANY_CALLS_FROM_ONE_ADDRESS });
  const a = await createStoreOwner(app.auth, "Store A");
  const b = await createStoreOwner(app.auth, "Store B");
  const ownerA = await asOwner(app, a);
  const ownerB = await asOwner(app, b);
  const adminA = await addPerson(app, a.organizationId, "admin");
  const memberA = await addPerson(app, a.organizationId, "member");
  const stranger = await signUp(app);
  return { app, ownerA, adminA, memberA, ownerB, stranger, close: () => app.close() };
}

async function asOwner(app: TestApp, owner: StoreOwner): Promise<Member & { adminKey: string }> {
  return {
    userId: owner.userId,
    email: owner.email,
    organizationId: owner.organizationId,
    cookie: await signInCookie(app, owner.email, owner.password),
    storefrontKey: await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] }),
    adminKey: await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] }),
  };
}

async function signUp(app: TestApp): Promise<Person> {
  people += 1;
  const email = `person-${Date.now()}-${people}@example.com`;
  const { user } = await app.auth.api.signUpEmail({ body: { email, password: TEST_PASSWORD, name: `Person ${people}` } });
  return { userId: user.id, email, cookie: await signInCookie(app, email, TEST_PASSWORD) };
}

async function addPerson(app: TestApp, organizationId: string, role: "admin" | "member"): Promise<Member> {
  const person = await signUp(app);
  await app.auth.api.addMember({ body: { userId: person.userId, organizationId, role } });
  return {
    ...person,
    organizationId,
    storefrontKey: await issueApiKey(app.auth, person.userId, { organizationId, scopes: ["storefront"] }),
  };
}

/** A new host whose first agent the person approved with its code: the host is now linked (trusted) to them. */
export async function linkedHost(
  world: World,
  person: Person,
  capabilities: readonly string[] = ["listProducts"],
): Promise<{ host: Host; agent: Agent }> {
  const host = await newHost();
  const agent = await register(world.app, host, capabilities);
  const approved = await call(world.app, "/api/auth/agent/approve-capability", {
    cookie: person.cookie,
    body: { agent_id: agent.id, action: "approve", user_code: agent.userCode },
  });
  if (approved.status !== 200) throw new Error(`approval failed: ${approved.status} ${JSON.stringify(approved.body)}`);
  return { host, agent: { ...agent, status: "active" } };
}

/** A fresh session cookie (approvals need a sign-in from the last 5 minutes; the world's cookies are fresh enough for one test file). */
export async function freshCookie(world: World, email: string): Promise<string> {
  return signInCookie(world.app, email, TEST_PASSWORD);
}

/** What an attack must leave unchanged, read straight from the database. */
export async function grantsOf(world: World, agentId: string): Promise<{ capability: string; status: string }[]> {
  return world.app.db
    .selectFrom("agentCapabilityGrant")
    .select(["capability", "status"])
    .where("agentId", "=", agentId)
    .orderBy("capability")
    .orderBy("status")
    .execute();
}

export async function agentRow(world: World, agentId: string) {
  return world.app.db.selectFrom("agent").select(["status", "userId", "hostId", "metadata"]).where("id", "=", agentId).executeTakeFirst();
}

export async function hostRow(world: World, hostId: string) {
  return world.app.db.selectFrom("agentHost").select(["id", "userId", "status"]).where("id", "=", hostId).executeTakeFirst();
}

export async function hostKey(world: World, hostId: string): Promise<string | null> {
  const row = await world.app.db.selectFrom("agentHost").selectAll().where("id", "=", hostId).executeTakeFirst();
  return row ? String((row as Record<string, unknown>).publicKey ?? "") : null;
}

export async function approvalRequestsFor(world: World, userId: string) {
  return world.app.db.selectFrom("approvalRequest").select(["id", "agentId", "status"]).where("userId", "=", userId).execute();
}

export { generateEd25519KeyPair };
