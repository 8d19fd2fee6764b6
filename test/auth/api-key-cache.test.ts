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
