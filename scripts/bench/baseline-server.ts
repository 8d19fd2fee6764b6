/**
 * The bench's baseline: a bare `node:http` server running the same SQL as the
 * API's services through `pg`, with no framework, auth, validation or
 * logging. `PORT`, `DATABASE_URL` and `ORGANIZATION_ID` come from the bench.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { addItem, createCart, placeOrder, type StepResult } from "./order-sql.js";
import { GET_PRODUCT_SQL, LIST_PRODUCTS_SQL, productJson, productPage } from "./product-sql.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const org = process.env.ORGANIZATION_ID!;

function send(res: ServerResponse, { status, body }: StepResult): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function listProducts(limit: number): Promise<StepResult> {
  const { rows } = await pool.query(LIST_PRODUCTS_SQL, [org, limit + 1]);
  return { status: 200, body: productPage(rows, limit) };
}

async function getProduct(id: string): Promise<StepResult> {
  const { rows } = await pool.query(GET_PRODUCT_SQL, [org, id]);
  return rows[0] ? { status: 200, body: productJson(rows[0]) } : { status: 404, body: { code: "product_not_found" } };
}

async function route(req: IncomingMessage): Promise<StepResult> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const parts = url.pathname.split("/").filter(Boolean);
  if (req.method === "GET" && url.pathname === "/v1/products") return listProducts(Number(url.searchParams.get("limit") ?? 20));
  if (req.method === "GET" && parts[1] === "products" && parts[2]) return getProduct(parts[2]);
  if (req.method === "POST" && url.pathname === "/v1/carts") return createCart(pool, org, await readJson(req));
  if (req.method === "POST" && parts[1] === "carts" && parts[3] === "items") return addItem(pool, org, parts[2]!, await readJson(req));
  if (req.method === "POST" && url.pathname === "/v1/orders") return placeOrder(pool, org, await readJson(req));
  return { status: 404, body: {} };
}

createServer(async (req, res) => {
  try {
    send(res, await route(req));
  } catch (error) {
    send(res, { status: 500, body: { error: String(error) } });
  }
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("baseline listening"));
