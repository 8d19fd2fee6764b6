/**
 * The bench's baseline: a bare `node:http` server running the same SQL as the
 * API's services through `pg`, with no framework, auth, validation or
 * logging. `PORT`, `DATABASE_URL` and `ORGANIZATION_ID` come from the bench.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { GET_PRODUCT_SQL, LIST_PRODUCTS_SQL, productJson, productPage } from "./product-sql.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const org = process.env.ORGANIZATION_ID!;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function listProducts(res: ServerResponse, limit: number): Promise<void> {
  const { rows } = await pool.query(LIST_PRODUCTS_SQL, [org, limit + 1]);
  send(res, 200, productPage(rows, limit));
}

async function getProduct(res: ServerResponse, id: string): Promise<void> {
  const { rows } = await pool.query(GET_PRODUCT_SQL, [org, id]);
  if (rows[0]) send(res, 200, productJson(rows[0]));
  else send(res, 404, { code: "product_not_found" });
}

async function createCart(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
  const { rows } = await pool.query(
    `insert into carts (organization_id, id, currency, status) values ($1, $2, $3, 'open') returning id, currency, status`,
    [org, randomUUID(), body.currency],
  );
  send(res, 201, { ...rows[0], items: [] });
}

async function addItem(res: ServerResponse, cartId: string, body: Record<string, unknown>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query(`select id from carts where organization_id = $1 and id = $2 and status = 'open' for update`, [org, cartId]);
    await client.query(`select id, currency, status from products where organization_id = $1 and id = $2`, [org, body.product_id]);
    await client.query(`insert into cart_items (organization_id, id, cart_id, product_id, quantity) values ($1, $2, $3, $4, $5)`, [
      org,
      randomUUID(),
      cartId,
      body.product_id,
      body.quantity,
    ]);
    await client.query("commit");
    send(res, 200, { id: cartId });
  } finally {
    client.release();
  }
}

async function placeOrder(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("begin");
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
    await client.query("commit");
    send(res, 201, { id: orderId, total });
  } catch (error) {
    await client.query("rollback");
    send(res, 409, { error: String(error) });
  } finally {
    client.release();
  }
}

createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "GET" && url.pathname === "/v1/products")
      return await listProducts(res, Number(url.searchParams.get("limit") ?? 20));
    if (req.method === "GET" && parts[1] === "products" && parts[2]) return await getProduct(res, parts[2]);
    if (req.method === "POST" && url.pathname === "/v1/carts") return await createCart(res, await readJson(req));
    if (req.method === "POST" && parts[1] === "carts" && parts[3] === "items") return await addItem(res, parts[2]!, await readJson(req));
    if (req.method === "POST" && url.pathname === "/v1/orders") return await placeOrder(res, await readJson(req));
    send(res, 404, {});
  } catch (error) {
    send(res, 500, { error: String(error) });
  }
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("baseline listening"));
