import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/app/assemble.js";
import { migrateAll } from "../../src/app/migrate-all.js";
import { ApiKeyResolver } from "../../src/auth/api-key-principal.js";
import type { Auth } from "../../src/auth/create-auth.js";
import { AUTH_CHANGED_CHANNEL } from "../../src/db/migrations/0003-auth-change-notifications.js";
import type { Subscription } from "../../src/db/notifications.js";
import { createLogger } from "../../src/logging/logger.js";
import { createStoreOwner, issueApiKey, type StoreOwner } from "../support/test-app.js";
import { createTestDatabase } from "../support/test-database.js";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let auth: Auth;
let owner: StoreOwner;
let subscription: Subscription;
let queries = 0;
let notified: () => void = () => {};
let resolverInstance: ApiKeyResolver;
const resolver = () => resolverInstance;

/** Counts the statements the resolver runs (Better Auth's own go through another instance). */
const counting: KyselyPlugin = {
  transformQuery: (args) => {
    queries += 1;
    return args.node;
  },
  transformResult: async (args) => args.result,
};

/** Resolves after the next auth-change notification has been handled. */
function nextNotification(): Promise<void> {
  return new Promise((resolve) => {
    notified = resolve;
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ auth } = createServices({
    database,
    logger: createLogger("silent"),
    authUrl: "http://127.0.0.1:1",
    secret: "test-secret-test-secret-test-secret-0000",
  }));
  await migrateAll(database.db, auth);
  owner = await createStoreOwner(auth);
  resolverInstance = new ApiKeyResolver(auth, database.db.withPlugin(counting));
  subscription = await database.listen(AUTH_CHANGED_CHANNEL, {
    onNotify: () => {
      resolverInstance.invalidateAll();
      notified();
    },
    onLost: () => resolverInstance.invalidateAll(),
  });
  resolverInstance.useChangeFeed(subscription);
});
afterAll(async () => {
  await subscription.close();
  await database.dispose();
});

describe("ApiKeyResolver with a healthy change feed", () => {
  it("reuses a checked principal without any query", async () => {
    const key = await issueApiKey(auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront", "admin"] });
    expect(await resolver().resolve(key)).toMatchObject({ organizationId: owner.organizationId });
    queries = 0;
    for (let call = 0; call < 5; call++) expect((await resolver().resolve(key))?.scopes.has("admin")).toBe(true);
    expect(queries).toBe(0);
  });

  it("drops cached principals when a membership changes, and rechecks once", async () => {
    const other = await createStoreOwner(auth, "Demoted");
    const key = await issueApiKey(auth, other.userId, { organizationId: other.organizationId, scopes: ["storefront", "admin"] });
    await resolver().resolve(key);
    const notification = nextNotification();
    await database.db.updateTable("member").set({ role: "member" }).where("userId", "=", other.userId).execute();
    await notification;
    queries = 0;
    const principal = await resolver().resolve(key);
    expect(principal?.scopes.has("admin")).toBe(false);
    expect(principal?.scopes.has("storefront")).toBe(true);
    expect(queries).toBe(1);
  });

  it("is not notified by a key's bookkeeping updates (verifications do not flush every cache)", async () => {
    const key = await issueApiKey(auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    await resolver().resolve(key);
    let notifications = 0;
    notified = () => (notifications += 1);
    await auth.api.verifyApiKey({ body: { key } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notifications).toBe(0);
  });
});

/** `auth` whose `verifyApiKey` calls are counted (the resolver's full verifications). */
function countingVerifications(): { auth: Auth; calls: () => number } {
  let calls = 0;
  const api = new Proxy(auth.api, {
    get: (target, name, receiver) =>
      name === "verifyApiKey"
        ? (...args: Parameters<Auth["api"]["verifyApiKey"]>) => {
            calls += 1;
            return target.verifyApiKey(...args);
          }
        : Reflect.get(target, name, receiver),
  });
  return { auth: { ...auth, api } as Auth, calls: () => calls };
}

describe("ApiKeyResolver under concurrent requests with one key", () => {
  it("runs one full verification for all of them, and one recheck after a notification", async () => {
    const counted = countingVerifications();
    const shared = new ApiKeyResolver(counted.auth, database.db.withPlugin(counting));
    shared.useChangeFeed({ healthy: true });
    const key = await issueApiKey(auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const first = await Promise.all(Array.from({ length: 20 }, () => shared.resolve(key)));
    expect(first.every((principal) => principal?.organizationId === owner.organizationId)).toBe(true);
    expect(counted.calls()).toBe(1);

    shared.invalidateAll();
    queries = 0;
    const again = await Promise.all(Array.from({ length: 20 }, () => shared.resolve(key)));
    expect(again.every((principal) => principal?.scopes.has("storefront"))).toBe(true);
    expect(queries).toBe(1);
    expect(counted.calls()).toBe(1);
  });

  it("still verifies each request of a key with a quota, so every one is counted", async () => {
    const counted = countingVerifications();
    const shared = new ApiKeyResolver(counted.auth, database.db);
    shared.useChangeFeed({ healthy: true });
    const { key, id } = await auth.api.createApiKey({
      body: {
        userId: owner.userId,
        name: "quota",
        remaining: 10,
        metadata: { organizationId: owner.organizationId, scopes: ["storefront"] },
      },
    });
    const principals = await Promise.all(Array.from({ length: 6 }, () => shared.resolve(key)));
    expect(principals.every((principal) => principal !== null)).toBe(true);
    expect(counted.calls()).toBe(6);
    const row = await database.db.selectFrom("apikey").select("remaining").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.remaining).toBe(4);
  });

  it.each([
    ["its first verification", false],
    ["a recheck after a notification", true],
  ])("never hands a request %s begun before a change it arrived after", async (_, verifiedBefore) => {
    // While the gate is closed, results wait: the check is still running when the membership changes.
    let gate = Promise.resolve();
    let open: () => void = () => {};
    const gated: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        await gate;
        return args.result;
      },
    };
    const shared = new ApiKeyResolver(auth, database.db.withPlugin(gated));
    shared.useChangeFeed({ healthy: true });
    const leaving = await createStoreOwner(auth, "Leaving");
    const key = await issueApiKey(auth, leaving.userId, { organizationId: leaving.organizationId, scopes: ["storefront"] });
    if (verifiedBefore) {
      expect(await shared.resolve(key)).not.toBeNull();
      shared.invalidateAll();
    }
    gate = new Promise<void>((resolve) => (open = resolve));
    const before = shared.resolve(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await database.db.deleteFrom("member").where("userId", "=", leaving.userId).execute();
    shared.invalidateAll();
    const after = shared.resolve(key);
    open();
    expect(await before).not.toBeNull();
    expect(await after).toBeNull();
  });
});

describe("ApiKeyResolver without a change feed", () => {
  it("rechecks with one query per call", async () => {
    const plain = new ApiKeyResolver(auth, database.db.withPlugin(counting));
    const key = await issueApiKey(auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    await plain.resolve(key);
    queries = 0;
    await plain.resolve(key);
    await plain.resolve(key);
    expect(queries).toBe(2);
  });
});
