/**
 * The bench's Express floor (`bench:api -- --express-floor`): bare Express 5
 * running the baseline's product reads through `pg`, with `res.json` and
 * nothing else (no auth, validation, query builder or logging). Beside the
 * baseline it shows what the framework alone costs, which no change to the
 * API can win back. `PORT`, `DATABASE_URL`, `ORGANIZATION_ID` and
 * `POOL_SIZE` come from the bench.
 */
import express from "express";
import pg from "pg";
import { GET_PRODUCT_SQL, LIST_PRODUCTS_SQL, productJson, productPage } from "./product-sql.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const org = process.env.ORGANIZATION_ID!;

const app = express();
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
app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("express floor listening"));
