import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/app/assemble.js";
import { migrateAll } from "../../src/app/migrate-all.js";
import type { Auth } from "../../src/auth/create-auth.js";
import { createLogger } from "../../src/logging/logger.js";
import { createStoreOwner, issueApiKey, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabase } from "../support/test-database.js";

/*
 * This process's own auth changes reach its principal caches synchronously,
 * before the response of the change leaves: a key disabled or deleted here
 * is refused on the very next request here, whether or not the database's
 * NOTIFY has arrived yet (other instances rely on that NOTIFY alone).
 */
describe("the auth-state signal", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let auth: Auth;
  let owner: StoreOwner;
  let emits = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    const services = createServices({
      database,
      logger: createLogger("silent"),
      authUrl: "http://127.0.0.1:1",
      secret: "test-secret-test-secret-test-secret-0000",
    });
    auth = services.auth;
    services.authStateChanges.subscribe(() => {
      emits += 1;
    });
    await migrateAll(database.db, auth);
    owner = await createStoreOwner(auth);
  });
  afterAll(async () => {
    await database.dispose();
  });

  it("fires when an API key is updated (disabled), called as auth.api like our pages do", async () => {
    const key = await issueApiKey(auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const { key: stored } = await auth.api.verifyApiKey({ body: { key } });
    const before = emits;
    await auth.api.updateApiKey({ body: { keyId: stored!.id, userId: owner.userId, enabled: false } });
    expect(emits).toBeGreaterThan(before);
  });

  it("does not fire for a verification (it runs once per key per minute on the hot path)", async () => {
    const key = await issueApiKey(auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const before = emits;
    await auth.api.verifyApiKey({ body: { key } });
    expect(emits).toBe(before);
  });
});

describe("an API key disabled through this process", () => {
  let app: TestApp;
  let owner: StoreOwner;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await createStoreOwner(app.auth);
    // The database stays silent about key changes (as when its NOTIFY is late): only the signal can tell the cache.
    await sql`drop trigger apikey_auth_changed on apikey`.execute(app.db);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is refused on the very next request, from the signal alone", async () => {
    const key = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const call = async () => (await fetch(`${app.baseUrl}/v1/products`, { headers: { "x-api-key": key } })).status;
    // The second answer comes from the cached principal.
    expect([await call(), await call()]).toEqual([200, 200]);
    const { key: stored } = await app.auth.api.verifyApiKey({ body: { key } });
    await app.auth.api.updateApiKey({ body: { keyId: stored!.id, userId: owner.userId, enabled: false } });
    expect(await call()).toBe(401);
  });

  it("a change made behind Better Auth's back waits for the database's notification (here: none), as other instances do", async () => {
    const key = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const call = async () => (await fetch(`${app.baseUrl}/v1/products`, { headers: { "x-api-key": key } })).status;
    expect([await call(), await call()]).toEqual([200, 200]);
    const { key: stored } = await app.auth.api.verifyApiKey({ body: { key } });
    await app.db.updateTable("apikey").set({ enabled: false }).where("id", "=", stored!.id).execute();
    // Without trigger and signal the cached principal is still served: proof the refusal above came from the signal.
    expect(await call()).toBe(200);
  });
});
