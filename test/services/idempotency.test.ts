/*
 * Idempotency-Key on placeOrder, adminRefundOrder and adminCreateProduct:
 * replays, reuse with another request, keys per caller, expiry, failures not
 * remembered, duplicates arriving while the first request runs (they wait for
 * it and replay it; 409 after the claim wait) and claims whose transaction
 * dies (nothing left behind). Runs on PGlite, and on PostgreSQL with
 * DATABASE_URL; where the two differ (PGlite runs one transaction at a time,
 * so a duplicate waits for the first without ever waiting on a lock) the
 * test says what each must do.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from "../../src/db/create-database.js";
import type { Db } from "../../src/db/tenant.js";
import { tenantOf } from "../../src/db/tenant.js";
import { TenantScope } from "../../src/db/tenant-scope.js";
import { problemOfDomainError } from "../../src/http/domain-problems.js";
import { requestHash } from "../../src/services/canonical-json.js";
import { DomainError } from "../../src/services/domain-error.js";
import { CLAIM_WAIT_MS, IdempotencyService, IN_PROGRESS_RETRY_AFTER_SECONDS } from "../../src/services/idempotency-service.js";
import { OrderPlacementService } from "../../src/services/order-placement-service.js";
import { CommerceClient, expectProblem, nextSku, type Order, type Product } from "./support/commerce-client.js";
import { type CommerceServer, startCommerceServer } from "./support/commerce-server.js";

let server: CommerceServer;
let shop: CommerceClient;
let scope: TenantScope;

beforeAll(async () => {
  server = await startCommerceServer();
  shop = new CommerceClient(server.baseUrl, `org-${randomUUID()}`);
  scope = new TenantScope(server.db, tenantOf(shop.org));
});
afterAll(() => server.close());
afterEach(() => expect(server.unexpectedErrors).toEqual([]));

async function openCart(quantity = 1, inventory = 10) {
  const product = await shop.createProduct({ inventory });
  const cart = await shop.createCart();
  await shop.addItem(cart.id, product.id, quantity);
  return { product, cart };
}

const ordersOfCart = (cartId: string) => scope.selectFrom("orders").select("id").where("cart_id", "=", cartId).execute();

describe("placeOrder", () => {
  it("replays the first response (status and body) for the same key and body", async () => {
    const { cart, product } = await openCart();
    const key = randomUUID();
    const first = await shop.placeOrder(cart.id, key);
    expect(first.status).toBe(201);
    const again = await shop.request("POST", "/v1/orders", { cart_id: cart.id }, { "idempotency-key": key });
    expect(again).toEqual(first);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
    expect((await shop.expectOk<Product>(200, "GET", `/v1/products/${product.id}`)).inventory).toBe(9);
  });

  it("answers 422 idempotency_key_reused for the same key with another body", async () => {
    const { cart } = await openCart();
    const other = await openCart();
    const key = randomUUID();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
    const reused = expectProblem(await shop.placeOrder(other.cart.id, key), 422, "idempotency_key_reused");
    expect(reused.errors).toEqual([expect.objectContaining({ pointer: "/header/idempotency-key" })]);
    expect(await ordersOfCart(other.cart.id)).toEqual([]);
  });

  it("remembers keys per caller: another caller's identical key is a new request", async () => {
    const { cart } = await openCart();
    const other = await openCart();
    const key = randomUUID();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
    const placed = await shop.as("someone-else").placeOrder(other.cart.id, key);
    expect(placed.status).toBe(201);
    expect((placed.body as Order).cart_id).toBe(other.cart.id);
  });

  it("forgets a failed request: after a 409, a retry with the same key runs again", async () => {
    const { cart, product } = await openCart(3, 3);
    await shop.expectOk(200, "POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: -1, reason: "damage" });
    const key = randomUUID();
    expectProblem(await shop.placeOrder(cart.id, key), 409, "insufficient_inventory");
    await shop.expectOk(200, "POST", `/v1/admin/products/${product.id}/inventory-adjustments`, { delta: 1, reason: "restock" });
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
  });

  it("takes over at once a committed claim without a response (left by the version that claimed on its own)", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    await scope
      .insertInto("idempotency_keys", {
        caller: CALLER,
        key,
        operation_id: "placeOrder",
        request_hash: hashOfRunning(cart.id),
        claim_token: randomUUID(),
        expires_at: sql<Date>`now() + interval '24 hours'`,
      })
      .execute();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
  });

  it("lets a key be reused with any body once it has expired (24 h)", async () => {
    const { cart } = await openCart();
    const other = await openCart();
    const key = randomUUID();
    expect((await shop.placeOrder(cart.id, key)).status).toBe(201);
    await scope
      .updateTable("idempotency_keys")
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where("key", "=", key)
      .execute();
    const placed = await shop.placeOrder(other.cart.id, key);
    expect(placed.status).toBe(201);
    expect((placed.body as Order).cart_id).toBe(other.cart.id);
  });

  it("concurrent duplicates: one order; every duplicate waits for it and replays it", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => shop.placeOrder(cart.id, key)));
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 201));
    expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
  });

  it("a duplicate arriving while the first runs waits for its commit and replays its response", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    const first = await holdClaim(cart.id, key);
    const duplicate = track(shop.placeOrder(cart.id, key));
    await first.untilWaitedOn(duplicate);
    expect(duplicate.settled).toBe(false);
    // The claim's short lock_timeout is not the work's: its own lock waits keep the session's limit.
    expect(first.workLockTimeout).toBe("0");
    first.finish("commit");
    const placed = (await first.outcome).body;
    const replayed = await duplicate.promise;
    expect(replayed.status).toBe(201);
    expect(replayed.body).toEqual(JSON.parse(JSON.stringify(placed)));
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
  });

  it("a duplicate still waiting after the claim wait answers 409 in progress with Retry-After", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    const first = await holdClaim(cart.id, key);
    const impatient = new IdempotencyService(server.db, tenantOf(shop.org), CALLER, { claimWaitMs: 200 });
    const duplicate = track(impatient.run(placement(cart.id, key), () => Promise.reject(new Error("the duplicate must not run the work"))));
    if (server.kind === "postgres") {
      // Waited on the first's uncommitted claim for 200 ms, then gave up.
      const refusal = await duplicate.promise.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).toMatchObject({ code: "idempotency_request_in_progress", retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS });
      const problem = problemOfDomainError(refusal)!;
      expect(problem.status).toBe(409);
      expect(problem.headers).toEqual({ "Retry-After": String(IN_PROGRESS_RETRY_AFTER_SECONDS) });
      first.finish("commit");
      await first.outcome;
    } else {
      // PGlite: the duplicate's transaction cannot start while the first's runs, so it never waits on the
      // claim and never gives up: it starts once the first has committed and replays it.
      await sleep(400);
      expect(duplicate.settled).toBe(false);
      first.finish("commit");
      const placed = (await first.outcome).body;
      expect(await duplicate.promise).toEqual({ status: 201, body: JSON.parse(JSON.stringify(placed)) });
    }
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
  });

  it("a claim whose transaction dies leaves nothing behind: a retry with the key runs at once", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    const first = await holdClaim(cart.id, key);
    first.finish("die");
    await expect(first.outcome).rejects.toThrow();
    expect(await keyRow(key)).toBeUndefined();
    expect(await ordersOfCart(cart.id)).toEqual([]);
    const started = performance.now();
    const retried = await shop.placeOrder(cart.id, key);
    expect(retried.status).toBe(201);
    expect(performance.now() - started).toBeLessThan(CLAIM_WAIT_MS);
    expect(await ordersOfCart(cart.id)).toHaveLength(1);
  });

  it("a duplicate waiting on a claim whose transaction dies runs at once when it dies, not after the claim wait", async () => {
    const { cart } = await openCart();
    const key = randomUUID();
    const first = await holdClaim(cart.id, key);
    const duplicate = track(shop.placeOrder(cart.id, key));
    await first.untilWaitedOn(duplicate);
    const died = performance.now();
    first.finish("die");
    await expect(first.outcome).rejects.toThrow();
    const placed = await duplicate.promise;
    expect(placed.status).toBe(201);
    expect(performance.now() - died).toBeLessThan(CLAIM_WAIT_MS);
    expect(await ordersOfCart(cart.id)).toEqual([{ id: (placed.body as Order).id }]);
    expect(await keyRow(key)).toMatchObject({ response_status: 201 });
  });

  it("bounds a claim held by a vanished client: PostgreSQL ends a pooled session idle in a transaction", async () => {
    const { rows } = await sql<{ timeout: string }>`select current_setting('idle_in_transaction_session_timeout') as timeout`.execute(
      server.db,
    );
    // IDLE_IN_TRANSACTION_TIMEOUT_MS, set on every pooled connection; PGlite is this process's own (no client to vanish).
    expect(rows[0]!.timeout).toBe(server.kind === "postgres" ? `${IDLE_IN_TRANSACTION_TIMEOUT_MS / 1000}s` : "0");
  });

  it("requires the header (400 naming /header/idempotency-key)", async () => {
    const { cart } = await openCart();
    const response = await shop.request("POST", "/v1/orders", { cart_id: cart.id });
    expect(expectProblem(response, 400, "validation_failed").errors).toEqual([
      expect.objectContaining({ pointer: "/header/idempotency-key" }),
    ]);
  });
});

describe("adminRefundOrder", () => {
  it("replays a refund instead of refunding twice; the same key on another order is 422", async () => {
    const { order } = await shop.orderOf(1, 1000);
    const other = (await shop.orderOf(1, 1000)).order;
    const key = randomUUID();
    const first = await shop.refund(order.id, 300, "EUR", key);
    expect(first.status).toBe(201);
    expect(await shop.refund(order.id, 300, "EUR", key)).toEqual(first);
    expect(await shop.expectOk(200, "GET", `/v1/admin/orders/${order.id}`)).toMatchObject({ refunded_amount: { amount: 300 } });
    expectProblem(await shop.refund(other.id, 300, "EUR", key), 422, "idempotency_key_reused");
    expectProblem(await shop.refund(order.id, 301, "EUR", key), 422, "idempotency_key_reused");
  });
});

describe("adminCreateProduct", () => {
  it("replays the product created first; another body with the key is 422", async () => {
    const key = randomUUID();
    const body = { sku: nextSku(), name: "Once", price: { amount: 100, currency: "EUR" } };
    const first = await shop.request("POST", "/v1/admin/products", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    // The defaulted field sent explicitly is the same request.
    expect(await shop.request("POST", "/v1/admin/products", { ...body, inventory: 0 }, { "idempotency-key": key })).toEqual(first);
    expect(await scope.selectFrom("products").select("id").where("sku", "=", body.sku).execute()).toHaveLength(1);
    expectProblem(
      await shop.request("POST", "/v1/admin/products", { ...body, name: "Twice" }, { "idempotency-key": key }),
      422,
      "idempotency_key_reused",
    );
  });
});

/** The caller the test server's principal for "shopper" is (see handlers/caller.ts). */
const CALLER = "api_key:shopper";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What placeOrder hands the idempotency service for `cartId` under `key`. */
function placement(cartId: string, key: string) {
  return { operationId: "placeOrder", key, input: { body: { cart_id: cartId } } };
}

/** A promise whose settling can be looked at without awaiting it. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  return {
    promise: tracked,
    get settled() {
      return settled;
    },
  };
}

const keyRow = (key: string) =>
  scope.selectFrom("idempotency_keys").select(["response_status", "claim_token"]).where("key", "=", key).executeTakeFirst();

/**
 * A placeOrder of `cartId` under `key`, run by the service in this process as
 * the handler runs it, held open after its claim: what a request in flight
 * looks like to a duplicate. `finish("commit")` lets it place the order and
 * commit; `finish("die")` kills its transaction as a killed process's would
 * end: on PostgreSQL its backend is terminated (pg_terminate_backend), on
 * PGlite (no second session to kill it from) the work fails and the
 * transaction rolls back.
 */
async function holdClaim(cartId: string, key: string) {
  let finish!: (how: "commit" | "die") => void;
  const decided = new Promise<"commit" | "die">((resolve) => {
    finish = resolve;
  });
  let claimed!: (facts: { pid: number; lockTimeout: string }) => void;
  const held = new Promise<{ pid: number; lockTimeout: string }>((resolve) => {
    claimed = resolve;
  });
  const service = new IdempotencyService(server.db, tenantOf(shop.org), CALLER);
  const outcome = service.run(placement(cartId, key), async (tx: Db) => {
    const { rows } = await sql<{
      pid: number;
      lock_timeout: string;
    }>`select pg_backend_pid() as pid, current_setting('lock_timeout') as lock_timeout`.execute(tx);
    claimed({ pid: rows[0]!.pid, lockTimeout: rows[0]!.lock_timeout });
    const how = await decided;
    if (how === "die") {
      if (server.kind === "postgres") await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(server.db);
      else throw new Error("the process died");
      // The terminated backend's connection: this statement fails, the transaction is gone.
      await sql`select 1`.execute(tx);
      throw new Error("the transaction outlived its backend");
    }
    return { status: 201 as const, body: await new OrderPlacementService(tx, tenantOf(shop.org)).placeOrder(cartId, CALLER) };
  });
  outcome.catch(() => undefined);
  const facts = await held;
  return {
    outcome,
    finish,
    workLockTimeout: facts.lockTimeout,
    /**
     * Until `duplicate` waits on this claim: on PostgreSQL, blocked by this
     * transaction's backend; on PGlite, queued behind this transaction (no
     * query can be made meanwhile to look, so it gets time to arrive).
     */
    async untilWaitedOn(duplicate: { readonly settled: boolean }) {
      if (server.kind === "pglite") {
        await sleep(300);
        return;
      }
      for (let attempt = 0; attempt < 200 && !duplicate.settled; attempt += 1) {
        const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_stat_activity
          where ${facts.pid} = any(pg_blocking_pids(pid))`.execute(server.db);
        if (rows[0]!.waiting > 0) return;
        await sleep(10);
      }
      throw new Error("the duplicate never waited on the claim");
    },
  };
}

/** The request hash the service computes for placeOrder of `cartId`. */
function hashOfRunning(cartId: string): string {
  return requestHash("placeOrder", { body: { cart_id: cartId } });
}
