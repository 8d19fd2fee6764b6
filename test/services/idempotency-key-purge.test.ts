import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateCommerce } from "../../src/db/migrate-commerce.js";
import { purgeExpiredIdempotencyKeys } from "../../src/services/idempotency-key-purge.js";
import { createTestDatabase } from "../support/test-database.js";

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateCommerce(database.db);
});
afterAll(() => database.dispose());

describe("purgeExpiredIdempotencyKeys", () => {
  it("deletes expired keys of every store and keeps live ones", async () => {
    const row = (organization_id: string, key: string, expiresInMs: number) => ({
      organization_id,
      caller: "api_key:k1",
      key,
      operation_id: "placeOrder",
      request_hash: "h",
      claim_token: randomUUID(),
      expires_at: new Date(Date.now() + expiresInMs),
    });
    await database.db
      .insertInto("idempotency_keys")
      .values([row("org-a", "old", -1000), row("org-b", "old", -60_000), row("org-a", "live", 3_600_000)])
      .execute();

    expect(await purgeExpiredIdempotencyKeys(database.db)).toBe(2);
    const left = await database.db.selectFrom("idempotency_keys").select(["organization_id", "key"]).execute();
    expect(left).toEqual([{ organization_id: "org-a", key: "live" }]);
  });
});
