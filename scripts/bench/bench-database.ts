import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL database a benchmark creates and drops on the machine's
 * server (BENCH_DATABASE_URL, else DATABASE_URL, else the local trust-auth
 * server): its name, its URL, and a way to run statements such as
 * `create database` against the server itself.
 */
export interface BenchDatabase {
  readonly serverUrl: string;
  readonly name: string;
  readonly url: string;
  /** Runs one statement on the server's maintenance database (create/drop the bench database). */
  admin(statement: string): Promise<void>;
}

/** `name` default: a fresh `commerce_bench_<random>`, so concurrent runs never share one. */
export function benchDatabase(name = `commerce_bench_${randomBytes(4).toString("hex")}`): BenchDatabase {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  return {
    serverUrl,
    name,
    url: Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString(),
    async admin(statement: string) {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    },
  };
}
