/**
 * `npm run bench:scale [-- --sizes 10000,100000,1000000 --duration 5 --connections 4 --keep]`
 *
 * Data at scale: the demo store grows to each size in turn (that many bulk
 * products and orders, src/app/bulk-seed.ts), is VACUUM ANALYZEd, and every
 * catalog and order read is timed over real HTTP (the server started as
 * `npm start` runs it, with a storefront or admin API key), plus placeOrder.
 * Prints p50/p99 per size and the ratio of the largest size's p50 to the
 * smallest's; a read passes when that ratio is ≤ 1.5×.
 *
 * Needs PostgreSQL: BENCH_DATABASE_URL or DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres). It creates the database
 * `bench_scale` there and drops it at the end (`--keep` leaves it, to
 * EXPLAIN by hand).
 */
import { type ChildProcess, spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon, { type Options } from "autocannon";
import { sql } from "kysely";
import { growStore, RARE_COUNT, RARE_WORD, SYLLABLES } from "../src/app/bulk-seed.js";
import { createDatabase } from "../src/db/create-database.js";
import { encodeCursor } from "../src/services/keyset-cursor.js";
import { benchDatabase } from "./bench/bench-database.js";
import { freePort } from "./support/free-port.js";
import { SERVER_ARGS } from "./support/server-command.js";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000,1000000" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "4" },
    keep: { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map(Number);
const duration = Number(values.duration);
const connections = Number(values.connections);
const { name: databaseName, url: databaseUrl, admin } = benchDatabase("bench_scale");
/** A read passes when its p50 at the largest size is at most this many times its p50 at the smallest. */
const TARGET = 1.5;
/** A three-syllable collection word: on ~1 in 8000 products (selective). */
const SELECTIVE = `${SYLLABLES[0]}${SYLLABLES[1]}${SYLLABLES[2]}`;
/** An adjective: on ~1 in 30 products (common). */
const COMMON = "organic";
/** On RARE_COUNT products at every size: its matches do not grow with the store. */
const RARE = RARE_WORD.toLowerCase();
const children: ChildProcess[] = [];

/** Starts the API as `npm start` does and resolves with its output once it listens. */
function startApi(port: number): Promise<string> {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: "warn",
    NODE_ENV: "development",
  };
  const child = spawn(process.execPath, SERVER_ARGS, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Commerce API on")) resolve(output);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the API exited with ${code}:\n${output}`)));
  });
}

interface Stats {
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly failures: number;
}

/** autocannon for `duration` seconds (or `amount` requests) after a 1 s warm-up; percentiles from every response. */
async function measure(options: Options, warm = true): Promise<Stats> {
  const run = (extra: Partial<Options>) =>
    new Promise<{ latencies: number[]; failures: number }>((resolve, reject) => {
      const latencies: number[] = [];
      const instance = autocannon({ connections, ...options, ...extra }, (error, result) => {
        if (error) reject(error);
        else resolve({ latencies, failures: result.non2xx + result.errors + result.timeouts });
      });
      instance.on("response", (_client: unknown, _status: number, _bytes: number, time: number) => latencies.push(time));
    });
  if (warm) await run({ duration: 1 });
  const { latencies, failures } = await run(options.amount ? {} : { duration });
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) => latencies[Math.min(latencies.length - 1, Math.ceil(fraction * latencies.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), requests: latencies.length, failures };
}

/** Cycles through `items`, one per request. */
function rotating(paths: readonly string[]): Options["requests"] {
  let next = 0;
  return [{ method: "GET", setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }];
}

interface Keys {
  readonly storefront: Record<string, string>;
  readonly admin: Record<string, string>;
}

/** Carts ready to order (one line each, stock to spare), made over HTTP before the timing starts. */
async function readyCarts(api: string, keys: Keys, productIds: readonly string[], count: number): Promise<string[]> {
  const json = { ...keys.storefront, "content-type": "application/json" };
  const carts: string[] = [];
  for (let index = 0; index < count; index++) {
    const cart = await fetch(`${api}/v1/carts`, { method: "POST", headers: json, body: JSON.stringify({ currency: "EUR" }) });
    const { id } = (await cart.json()) as { id: string };
    const item = await fetch(`${api}/v1/carts/${id}/items`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ product_id: productIds[index % productIds.length], quantity: 1 }),
    });
    if (!item.ok) throw new Error(`addCartItem answered ${item.status}: ${await item.text()}`);
    carts.push(id);
  }
  return carts;
}

async function main(): Promise<void> {
  await admin(`drop database if exists ${databaseName} with (force)`);
  await admin(`create database ${databaseName}`);
  const port = await freePort();
  const output = await startApi(port);
  const api = `http://127.0.0.1:${port}`;
  const key = (name: string) => {
    const found = new RegExp(`${name} API key: +(\\S+)`).exec(output)?.[1];
    if (!found) throw new Error(`no ${name} API key in the server's output:\n${output}`);
    return { "x-api-key": found };
  };
  const keys: Keys = { storefront: key("storefront"), admin: key("admin") };
  const database = createDatabase({ url: databaseUrl });
  const db = database.db;
  try {
    const store = await db.selectFrom("organization").select("id").where("slug", "=", "demo-store").executeTakeFirstOrThrow();
    const storefrontKey = (await sql<{ id: string }>`select id from apikey where name = 'Demo storefront'`.execute(db)).rows[0]!;
    // The storefront key's caller places a tenth of the bulk orders: its own list has rows at every size.
    const callers = [`api_key:${storefrontKey.id}`, ...Array.from({ length: 9 }, (_, index) => `api_key:bulk-caller-${index}`)];
    const results = new Map<string, Map<number, Stats>>();
    for (const size of sizes) {
      const started = performance.now();
      await growStore(db, {
        organizationId: store.id,
        products: size,
        orders: size,
        callers,
        onProgress: ({ table, done, target }) =>
          process.stdout.write(`\r  ${table} ${done}/${target} (${((performance.now() - started) / 1000).toFixed(0)} s)   `),
      });
      await sql`vacuum analyze products, orders, order_items, carts`.execute(db);
      console.log(`\n${size}: grown and analyzed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const sample = await sql<{ id: string }>`
        select id from products where organization_id = ${store.id} and status = 'active' and currency = 'EUR' and inventory >= 50
        order by md5(id::text) limit 500`.execute(db);
      const productIds = sample.rows.map((row) => row.id);
      const half = await sql<{ id: string; at: string }>`
        select id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at from products
        where organization_id = ${store.id} and status = 'active' order by created_at desc, id desc offset ${Math.floor(size / 2)} limit 1`.execute(
        db,
      );
      const deepCursor = encodeCursor("products", { createdAt: half.rows[0]!.at, id: half.rows[0]!.id });
      // One active bulk product's SKU (bulk product 4242, or the next active one), looked up by its id.
      const skuRow = await sql<{ sku: string }>`
        select sku from products where organization_id = ${store.id} and status = 'active'
          and id in (select md5(${store.id} || ':p:' || n)::uuid from generate_series(4242, 4262) as n)
        order by created_at limit 1`.execute(db);
      const sku = skuRow.rows[0]!.sku;
      const sf = keys.storefront;
      const cases: Record<string, Options> = {
        "listProducts first page": { url: `${api}/v1/products?limit=20`, headers: sf },
        "listProducts deep cursor (middle of the set)": { url: `${api}/v1/products?limit=20&cursor=${deepCursor}`, headers: sf },
        [`listProducts q=${RARE} (${RARE_COUNT} products at every size)`]: { url: `${api}/v1/products?limit=20&q=${RARE}`, headers: sf },
        "listProducts q=a SKU (one product)": { url: `${api}/v1/products?limit=20&q=${sku}`, headers: sf },
        [`listProducts q=${SELECTIVE} (1/8000 of the store: 1 → 125 matches)`]: {
          url: `${api}/v1/products?limit=20&q=${SELECTIVE}`,
          headers: sf,
        },
        [`listProducts q=${COMMON} (1/30 of the store: 330 → 33 000 matches)`]: {
          url: `${api}/v1/products?limit=20&q=${COMMON}`,
          headers: sf,
        },
        "listProducts currency=CHF (~1/20)": { url: `${api}/v1/products?limit=20&currency=CHF`, headers: sf },
        "getProduct (500 ids)": { url: api, headers: sf, requests: rotating(productIds.map((id) => `/v1/products/${id}`)) },
        "listOrders (caller's own)": { url: `${api}/v1/orders?limit=20`, headers: sf },
        adminListOrders: { url: `${api}/v1/admin/orders?limit=20`, headers: keys.admin },
        "adminListOrders status=refunded": { url: `${api}/v1/admin/orders?limit=20&status=refunded`, headers: keys.admin },
      };
      for (const [name, options] of Object.entries(cases)) {
        const stats = await measure(options);
        if (stats.failures > 0) throw new Error(`${name}: ${stats.failures} failed requests at ${size}`);
        results.set(name, (results.get(name) ?? new Map()).set(size, stats));
        console.log(`  ${name}: p50 ${stats.p50.toFixed(2)} ms, p99 ${stats.p99.toFixed(2)} ms (${stats.requests} requests)`);
      }
      const carts = await readyCarts(api, keys, productIds, 300);
      let next = 0;
      const place: Options = {
        url: api,
        amount: carts.length,
        requests: [
          {
            method: "POST",
            path: "/v1/orders",
            setupRequest: (request) => {
              const cart = carts[next++]!;
              const headers = { ...sf, "content-type": "application/json", "idempotency-key": `bench-${cart}` };
              return { ...request, headers, body: JSON.stringify({ cart_id: cart }) };
            },
          },
        ],
      };
      const placed = await measure(place, false);
      if (placed.failures > 0) throw new Error(`placeOrder: ${placed.failures} failed requests at ${size}`);
      results.set("placeOrder (write)", (results.get("placeOrder (write)") ?? new Map()).set(size, placed));
      console.log(`  placeOrder: p50 ${placed.p50.toFixed(2)} ms, p99 ${placed.p99.toFixed(2)} ms (${placed.requests} requests)`);
    }
    printTable(results);
  } finally {
    await database.close();
  }
}

function printTable(results: Map<string, Map<number, Stats>>): void {
  const first = sizes[0]!;
  const last = sizes.at(-1)!;
  const label = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}M` : size >= 1000 ? `${size / 1000}k` : String(size));
  console.log(
    `\n${connections} connections, ${duration} s per read (placeOrder: 300 orders), PostgreSQL, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${process.platform} ${process.arch}\n`,
  );
  console.log(
    `| operation | ${sizes.map((size) => `${label(size)} p50 / p99`).join(" | ")} | p50 ${label(last)} / ${label(first)} | ≤ ${TARGET}× |`,
  );
  console.log(`|---|${sizes.map(() => "---").join("|")}|---|---|`);
  for (const [name, bySize] of results) {
    const cells = sizes.map((size) => {
      const stats = bySize.get(size);
      return stats ? `${stats.p50.toFixed(2)} / ${stats.p99.toFixed(2)} ms` : "–";
    });
    const ratio = bySize.get(last)!.p50 / bySize.get(first)!.p50;
    const verdict = name.includes("(write)") ? (ratio <= TARGET ? "pass (write)" : "over (write)") : ratio <= TARGET ? "PASS" : "FAIL";
    console.log(`| ${name} | ${cells.join(" | ")} | ${ratio.toFixed(2)}× | ${verdict} |`);
  }
}

try {
  await main();
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  if (!values.keep)
    await admin(`drop database if exists ${databaseName} with (force)`).catch((error: unknown) =>
      console.error(`could not drop ${databaseName}: ${String(error)}`),
    );
}
