/**
 * The bench's Express floor, the reference of `bench:api`'s targets: bare
 * Express 5 running the baseline's product reads and order flow through
 * `pg`, with `express.json()`, `res.json` and nothing else (no auth,
 * validation, query builder or logging). Beside the baseline it shows what
 * the framework alone costs, which no change to the API can win back.
 * `PORT`, `DATABASE_URL`, `ORGANIZATION_ID` and `POOL_SIZE` come from the bench.
 */
import express, { type Response } from "express";
import pg from "pg";
import { addItem, createCart, placeOrder, type StepResult } from "./order-sql.js";
import { GET_PRODUCT_SQL, LIST_PRODUCTS_SQL, productJson, productPage } from "./product-sql.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const org = process.env.ORGANIZATION_ID!;

function send(res: Response, { status, body }: StepResult): void {
  res.status(status).json(body);
}

const app = express();
app.use(express.json());
app.get("/v1/products", async (req, res) => {
  const limit = Number(req.query.limit ?? 20);
  const { rows } = await pool.query(LIST_PRODUCTS_SQL, [org, limit + 1]);
  res.json(productPage(rows, limit));
});
app.get("/v1/products/:id", async (req, res) => {
  const { rows } = await pool.query(GET_PRODUCT_SQL, [org, req.params.id]);
  if (rows[0]) res.json(productJson(rows[0]));
  else res.status(404).json({ code: "product_not_found" });
});
app.post("/v1/carts", async (req, res) => send(res, await createCart(pool, org, req.body)));
app.post("/v1/carts/:id/items", async (req, res) => send(res, await addItem(pool, org, req.params.id, req.body)));
app.post("/v1/orders", async (req, res) => send(res, await placeOrder(pool, org, req.body)));
app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("express floor listening"));
