/**
 * What the sign-in limits cost: one email sign-in through Better Auth's
 * handler with no limits, with the per-address limiter in memory, in the
 * database (what we ship), and in the database plus the per-account lock.
 * Variants run in alternating slices (the machine drifts), each request from
 * an address of its own, as clients arrive. Prints latency and SQL statements
 * per sign-in. The password hash (scrypt, ~100 ms of CPU) would drown the
 * difference in noise, so it is replaced by a comparison unless --scrypt.
 *
 *   npx tsx scripts/bench-sign-in.ts [--rounds 10] [--per-slice 20] [--scrypt]
 *
 * With DATABASE_URL it runs on that PostgreSQL database (give it an empty
 * one: it creates the tables), else on in-memory PGlite.
 */
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import { CLIENT_ADDRESS_HEADER } from "../src/auth/client-address-header.js";
import { betterAuthRateLimit, resolveRateLimits } from "../src/auth/rate-limits.js";
import { signInLockout } from "../src/auth/sign-in-lockout.js";
import { migrateCommerce } from "../src/db/migrate-commerce.js";
import type { Database } from "../src/db/schema.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    "per-slice": { type: "string", default: "20" },
    scrypt: { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const perSlice = Number(values["per-slice"]);

let statements = 0;
const dialect = process.env.DATABASE_URL
  ? new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) })
  : // pg_trgm: migration 0012 creates it (as db/create-database.ts loads it).
    new PGliteDialect({ pglite: new PGlite({ extensions: { pg_trgm } }) });
const db = new Kysely<Database>({
  dialect,
  log: () => {
    statements += 1;
  },
});

// Production rules, except that no request here may be refused.
const settings = resolveRateLimits({ routes: { "/sign-in/*": { window: 60, max: 1e9 } } });
const origin = "http://localhost:3005";
const shared = {
  baseURL: `${origin}/api/auth`,
  basePath: "/api/auth",
  secret: "bench-secret-bench-secret-bench-secret-00",
  database: { db, type: "postgres" as const },
  emailAndPassword: values.scrypt
    ? { enabled: true }
    : {
        enabled: true,
        password: {
          hash: async (plain: string) => plain,
          verify: async ({ hash, password }: { hash: string; password: string }) => hash === password,
        },
      },
  advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
  telemetry: { enabled: false },
  logger: { disabled: true },
};
const variants = {
  "no limits": betterAuth({ ...shared, rateLimit: { enabled: false } }),
  "per address, memory": betterAuth({ ...shared, rateLimit: { ...betterAuthRateLimit(settings), storage: "memory" } }),
  "per address, database": betterAuth({ ...shared, rateLimit: betterAuthRateLimit(settings) }),
  "database + per account (shipped)": betterAuth({
    ...shared,
    rateLimit: betterAuthRateLimit(settings),
    plugins: [signInLockout(db, settings.account)],
  }),
};
type Variant = keyof typeof variants;

const { runMigrations } = await getMigrations(variants["database + per account (shipped)"].options);
await runMigrations();
await migrateCommerce(db);
const email = `bench-${Date.now()}@example.com`;
const password = "bench-password-1234";
await variants["no limits"].api.signUpEmail({ body: { email, password, name: "Bench" } });

let address = 0;
async function signIn(variant: Variant, withPassword = password): Promise<number> {
  address += 1;
  const client = `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
  const started = performance.now();
  const response = await variants[variant].handler(
    new Request(`${origin}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, [CLIENT_ADDRESS_HEADER]: client },
      body: JSON.stringify({ email, password: withPassword }),
    }),
  );
  const elapsed = performance.now() - started;
  const expected = withPassword === password ? 200 : 401;
  if (response.status !== expected) throw new Error(`${variant}: ${response.status} ${await response.text()}`);
  return elapsed;
}

const names = Object.keys(variants) as Variant[];
const samples = new Map<Variant, number[]>(names.map((name) => [name, []]));
const statementCounts = new Map<Variant, { ok: number; wrong: number }>();
for (const name of names) {
  await signIn(name); // warm up (first query plans, lazy context)
  const before = statements;
  await signIn(name);
  const ok = statements - before;
  const beforeWrong = statements;
  await signIn(name, "wrong-password");
  statementCounts.set(name, { ok, wrong: statements - beforeWrong });
  await signIn(name); // clears the failure just counted
}
for (let round = 0; round < rounds; round += 1) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    for (let index = 0; index < perSlice; index += 1) samples.get(name)!.push(await signIn(name));
  }
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const p90 = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length * 0.9)]!;
const baseline = median(samples.get("no limits")!);
console.log(
  `${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}, ${values.scrypt ? "scrypt" : "no password hashing"}, ${rounds * perSlice} sign-ins per variant`,
);
for (const name of names) {
  const list = samples.get(name)!;
  const counts = statementCounts.get(name)!;
  console.log(
    `${name.padEnd(34)} median ${median(list).toFixed(2)} ms  p90 ${p90(list).toFixed(2)} ms  (+${(median(list) - baseline).toFixed(2)} ms)  SQL: ${counts.ok} per sign-in, ${counts.wrong} per wrong password`,
  );
}
await db.destroy();
