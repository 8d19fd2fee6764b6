/*
 * queryThroughCallbacks (src/db/create-database.ts): every form of
 * `client.query` answers as pg's own does, and the promise form reaches pg
 * as a callback call (the form whose results die young; see the function).
 * Runs on a real PostgreSQL in both CI passes (DATABASE_URL, else the
 * machine's server, as the cluster tests do): the PGlite path has no pg
 * clients. Only reads; nothing is created.
 */
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase, queryThroughCallbacks } from "../../src/db/create-database.js";

const url =
  process.env.DATABASE_URL ?? process.env.TEST_POSTGRES_URL ?? process.env.CI_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

describe("pg clients query through callbacks", () => {
  let client: pg.Client;
  let original: ReturnType<typeof vi.fn>;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
    original = vi.fn(pg.Client.prototype.query);
    (client as unknown as { query: unknown }).query = original;
    queryThroughCallbacks(client);
  });
  afterAll(() => client.end());

  it("answers the promise form with pg's result, through a callback call", async () => {
    original.mockClear();
    const result = await client.query<{ x: number; at: Date }>("select $1::int as x, now() as at", [5]);
    expect(result.rows[0]?.x).toBe(5);
    expect(result.rows[0]?.at).toBeInstanceOf(Date);
    expect(result.command).toBe("SELECT");
    expect(original).toHaveBeenCalledTimes(1);
    expect(typeof original.mock.calls[0]?.[2]).toBe("function");
    expect((await client.query({ text: "select $1::text as y", values: ["z"] })).rows).toEqual([{ y: "z" }]);
    expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("rejects with pg's error, its stack rewritten as pg does", async () => {
    const error = await client.query("select * from no_such_table").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect((error as pg.DatabaseError).code).toBe("42P01");
    expect((error as Error).stack).not.toContain("onStreamRead");
  });

  it("leaves callback calls and query objects to pg", async () => {
    original.mockClear();
    const viaCallback = await new Promise((resolve, reject) =>
      client.query("select 2 as two", (error, result) => (error ? reject(error) : resolve(result.rows))),
    );
    expect(viaCallback).toEqual([{ two: 2 }]);
    const viaValuesAndCallback = await new Promise((resolve, reject) =>
      client.query("select $1::int as n", [3], (error, result) => (error ? reject(error) : resolve(result.rows))),
    );
    expect(viaValuesAndCallback).toEqual([{ n: 3 }]);
    const query = new pg.Query("select 4 as four");
    const rows = await new Promise((resolve, reject) => {
      const seen: unknown[] = [];
      query.on("row", (row) => seen.push(row));
      query.on("end", () => resolve(seen));
      query.on("error", reject);
      client.query(query);
    });
    expect(rows).toEqual([{ four: 4 }]);
    expect(original).toHaveBeenCalledTimes(3);
  });

  it("is on every pooled connection of createDatabase", async () => {
    // Spied before the pool opens its first connection, so the wrapper that connection gets calls the spy.
    const spy = vi.spyOn(pg.Client.prototype, "query");
    const database = createDatabase({ url, poolSize: 2 });
    try {
      spy.mockClear();
      const { rows } = await sql<{ x: number }>`select ${7}::int as x`.execute(database.db);
      expect(rows).toEqual([{ x: 7 }]);
      expect(spy.mock.calls.map((call) => typeof call[2])).toEqual(["function"]);
      const failed = await sql`select * from no_such_table`.execute(database.db).catch((caught: unknown) => caught);
      expect((failed as pg.DatabaseError).code).toBe("42P01");
    } finally {
      spy.mockRestore();
      await database.close();
    }
  });
});
