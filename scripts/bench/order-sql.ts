/**
 * The order flow both reference servers of the bench run (the bare
 * `node:http` baseline and the bare Express floor): the SQL the API's cart
 * and order services send, without their checks beyond what keeps the data
 * consistent. Each step answers a status and a JSON body.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";

export interface StepResult {
  readonly status: number;
  readonly body: unknown;
}

export async function createCart(pool: pg.Pool, org: string, body: Record<string, unknown>): Promise<StepResult> {
  const { rows } = await pool.query(
    `insert into carts (organization_id, id, currency, status) values ($1, $2, $3, 'open') returning id, currency, status`,
    [org, randomUUID(), body.currency],
  );
  return { status: 201, body: { ...rows[0], items: [] } };
}

/** Runs `work` in a transaction on one pooled connection; rolls back (and rethrows) on failure. */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

export function addItem(pool: pg.Pool, org: string, cartId: string, body: Record<string, unknown>): Promise<StepResult> {
  return inTransaction(pool, async (client) => {
    await client.query(`select id from carts where organization_id = $1 and id = $2 and status = 'open' for update`, [org, cartId]);
    await client.query(`select id, currency, status from products where organization_id = $1 and id = $2`, [org, body.product_id]);
    await client.query(`insert into cart_items (organization_id, id, cart_id, product_id, quantity) values ($1, $2, $3, $4, $5)`, [
      org,
      randomUUID(),
      cartId,
      body.product_id,
      body.quantity,
    ]);
    return { status: 200, body: { id: cartId } };
  });
}

export function placeOrder(pool: pg.Pool, org: string, body: Record<string, unknown>): Promise<StepResult> {
  return inTransaction(pool, async (client) => {
    const cart = await client.query(
      `select id, currency from carts where organization_id = $1 and id = $2 and status = 'open' for update`,
      [org, body.cart_id],
    );
    const items = await client.query(
      `select product_id, quantity from cart_items where organization_id = $1 and cart_id = $2 order by product_id`,
      [org, body.cart_id],
    );
    let total = 0;
    const lines: { product_id: string; sku: string; name: string; price: number; quantity: number }[] = [];
    for (const item of items.rows) {
      const updated = await client.query(
        `update products set inventory = inventory - $3, updated_at = now() where organization_id = $1 and id = $2 and inventory >= $3 returning sku, name, price_amount`,
        [org, item.product_id, item.quantity],
      );
      const row = updated.rows[0];
      lines.push({ product_id: item.product_id, sku: row.sku, name: row.name, price: Number(row.price_amount), quantity: item.quantity });
      total += Number(row.price_amount) * item.quantity;
    }
    const orderId = randomUUID();
    await client.query(
      `insert into orders (organization_id, id, cart_id, status, currency, subtotal_amount, total_amount, refunded_amount, placed_by) values ($1, $2, $3, 'paid', $4, $5, $5, 0, 'bench')`,
      [org, orderId, body.cart_id, cart.rows[0].currency, total],
    );
    for (const [position, line] of lines.entries()) {
      await client.query(
        `insert into order_items (organization_id, id, order_id, product_id, sku, name, unit_price_amount, quantity, line_total_amount, position) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [org, randomUUID(), orderId, line.product_id, line.sku, line.name, line.price, line.quantity, line.price * line.quantity, position],
      );
    }
    await client.query(`update carts set status = 'ordered', updated_at = now() where organization_id = $1 and id = $2`, [
      org,
      body.cart_id,
    ]);
    return { status: 201, body: { id: orderId, total } };
  });
}
