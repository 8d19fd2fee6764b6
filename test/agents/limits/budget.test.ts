/*
 * A merchant's budget for an agent is checked and consumed inside the order's
 * transaction, under a lock on the agent's limits row: parallel orders never
 * overspend it, refusals say what remains, refunds and cancellations give it
 * back once. Over HTTP with agent JWTs; with DATABASE_URL on PostgreSQL with
 * a pool of 20 connections (real parallel transactions).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConnection } from "../../../generated/sdk/index.js";
import { toAmount } from "../../../src/db/schema.js";
import { tenantOf } from "../../../src/db/tenant.js";
import { TenantScope } from "../../../src/db/tenant-scope.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../../support/test-app.js";
import { adminCall, adminKey, agentCart, approvedShopper, placeByAgent, setLimits, stockedProduct } from "./limits-kit.js";

const PRICE = 1200;
let app: TestApp;
let owner: StoreOwner;
let agent: AgentConnection;
let admin: string;
let product: { id: string };
let scope: TenantScope;

beforeAll(async () => {
  app = await startTestApp();
  owner = await createStoreOwner(app.auth, "Budget Store");
  admin = await adminKey(app, owner);
  product = await stockedProduct(app, admin, PRICE);
  agent = await approvedShopper(app, owner);
  scope = new TenantScope(app.db, tenantOf(owner.organizationId));
});

afterAll(async () => {
  await app?.close();
});

/** The agent's ledger: consumed and restored totals, per order. */
async function ledger() {
  const rows = await scope
    .selectFrom("agent_budget_entries")
    .select(["order_id", "kind", "amount", "agent_id", "refund_id"])
    .where("agent_id", "=", agent.session.agentId)
    .execute();
  const sum = (kind: string) => rows.filter((row) => row.kind === kind).reduce((total, row) => total + toAmount(row.amount), 0);
  return { rows, consumed: sum("consume"), restored: sum("restore") };
}

describe("a budget per rolling window", () => {
  it("20 parallel orders against a budget for 7: exactly 7 are placed, 13 refused with what remains", async () => {
    // 7 orders of 12.00 EUR fit in 90.00 EUR; 6.00 EUR remain.
    await setLimits(app, owner, agent.session.agentId, { currency: "EUR", budgetAmount: 9000, budgetWindowSeconds: 86_400 });
    // A product per cart: orders sharing a product would queue on its stock row and hide a missing budget lock.
    const carts = [];
    for (let index = 0; index < 20; index += 1) carts.push(await agentCart(agent, (await stockedProduct(app, admin, PRICE)).id, 1));
    const answers = await Promise.all(carts.map((cart) => placeByAgent(agent, cart)));

    const placed = answers.filter((answer) => answer.response.status === 201);
    expect(placed).toHaveLength(7);
    for (const refused of answers.filter((answer) => answer.response.status !== 201)) {
      expect(refused.response.status).toBe(403);
      expect(refused.error).toMatchObject({
        code: "budget_exceeded",
        error: "budget_exceeded",
        remaining: { amount: 600, currency: "EUR" },
      });
      expect((refused.error as { detail: string }).detail).toContain("90.00 EUR per 24 hours; 6.00 EUR remain, this order is 12.00 EUR");
    }
    const { rows, consumed, restored } = await ledger();
    expect(
      rows
        .filter((row) => row.kind === "consume")
        .map((row) => row.order_id)
        .sort(),
    ).toEqual(placed.map((answer) => answer.data!.id).sort());
    expect(consumed).toBe(7 * PRICE);
    expect(restored).toBe(0);
    // Refused orders left nothing behind: their carts are still open.
    const open = await scope.selectFrom("carts").select("id").where("id", "in", carts).where("status", "=", "open").execute();
    expect(open).toHaveLength(13);
  });

  it("a refund gives its amount back once, and a further order then fits", async () => {
    const [order] = await scope
      .selectFrom("orders")
      .select("id")
      .where("placed_by", "=", `agent:${agent.session.agentId}`)
      .where("status", "=", "paid")
      .limit(1)
      .execute();
    const tooBig = await placeByAgent(agent, await agentCart(agent, product.id, 1));
    expect(tooBig.response.status).toBe(403);

    const refund = await adminCall(app, admin, `/v1/admin/orders/${order!.id}/refunds`, {
      amount: { amount: PRICE, currency: "EUR" },
      reason: "Returned",
    });
    expect(refund.status).toBe(201);
    expect((await ledger()).restored).toBe(PRICE);

    const fits = await placeByAgent(agent, await agentCart(agent, product.id, 1));
    expect(fits.response.status).toBe(201);
    const again = await placeByAgent(agent, await agentCart(agent, product.id, 1));
    expect(again.error).toMatchObject({ code: "budget_exceeded", remaining: { amount: 600, currency: "EUR" } });
  });

  it("a cancellation gives back what is left after partial refunds, and never more than the order consumed", async () => {
    const [order] = await scope
      .selectFrom("orders")
      .select("id")
      .where("placed_by", "=", `agent:${agent.session.agentId}`)
      .where("status", "=", "paid")
      .limit(1)
      .execute();
    const before = (await ledger()).restored;
    expect(
      (await adminCall(app, admin, `/v1/admin/orders/${order!.id}/refunds`, { amount: { amount: 500, currency: "EUR" } })).status,
    ).toBe(201);
    expect((await adminCall(app, admin, `/v1/admin/orders/${order!.id}/cancel`)).status).toBe(200);
    expect((await adminCall(app, admin, `/v1/admin/orders/${order!.id}/cancel`)).status).toBe(409);
    expect((await adminCall(app, admin, `/v1/admin/orders/${order!.id}/refunds`, { amount: { amount: 1, currency: "EUR" } })).status).toBe(
      409,
    );

    const { rows, restored } = await ledger();
    expect(restored - before).toBe(PRICE);
    const restores = rows.filter((row) => row.kind === "restore" && row.order_id === order!.id);
    expect(restores.map((row) => toAmount(row.amount)).sort((a, b) => a - b)).toEqual([500, 700]);
    expect(restores.every((row) => row.refund_id !== null)).toBe(true);
    // The whole order's 12.00 EUR is back: exactly one more order fits.
    expect((await placeByAgent(agent, await agentCart(agent, product.id, 1))).response.status).toBe(201);
    expect((await placeByAgent(agent, await agentCart(agent, product.id, 1))).response.status).toBe(403);
  });

  it("records each consumption with order, agent, store, amount and time", async () => {
    const rows = await app.db.selectFrom("agent_budget_entries").selectAll().where("agent_id", "=", agent.session.agentId).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.organization_id).toBe(owner.organizationId);
      expect(row.currency).toBe("EUR");
      expect(row.order_consumed_at).toBeInstanceOf(Date);
    }
  });
});

describe("a budget in total, and who it applies to", () => {
  it("counts every order of the agent, and API keys of the same store are not limited", async () => {
    const { consumed, restored } = await ledger();
    const spent = consumed - restored;
    await setLimits(app, owner, agent.session.agentId, { currency: "EUR", budgetAmount: spent + PRICE, budgetWindowSeconds: null });
    expect((await placeByAgent(agent, await agentCart(agent, product.id, 1))).response.status).toBe(201);
    const refused = await placeByAgent(agent, await agentCart(agent, product.id, 1));
    expect(refused.error).toMatchObject({ code: "budget_exceeded", remaining: { amount: 0, currency: "EUR" } });
    expect((refused.error as { detail: string }).detail).toContain("in total");

    // The merchant's own key, in the same store, is not an agent: no budget.
    const cart = await adminCall(app, admin, "/v1/carts", { currency: "EUR" });
    await adminCall(app, admin, `/v1/carts/${cart.body.id as string}/items`, { product_id: product.id, quantity: 50 });
    expect((await adminCall(app, admin, "/v1/orders", { cart_id: cart.body.id })).status).toBe(201);
  });
});
