/*
 * Named prepared statements on pooled PostgreSQL connections
 * (src/db/statement-names.ts, queryThroughCallbacks): which texts get a name,
 * the bound on how many, and a statement gone stale because its table
 * changed. Runs on a real PostgreSQL in both CI passes (as
 * pg-callback-queries does); its tables are temporary (per session).
 */
import { sql } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isConnectionError } from "../../src/db/connection-errors.js";
import { createDatabase, queryThroughCallbacks } from "../../src/db/create-database.js";
import { isStaleStatement, MAX_NAMED, StatementNames } from "../../src/db/statement-names.js";

const url =
  process.env.DATABASE_URL ?? process.env.TEST_POSTGRES_URL ?? process.env.CI_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The statements this session has prepared on the server, by text. */
async function preparedTexts(client: pg.Client): Promise<string[]> {
  // No parameters: pg sends it as a simple query, so it is never named itself.
  const { rows } = await client.query<{ statement: string }>("select statement from pg_prepared_statements order by prepare_time");
  return rows.map((row) => row.statement);
}

describe("named prepared statements", () => {
  let client: pg.Client;

  beforeEach(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
    queryThroughCallbacks(client, new StatementNames());
  });
  afterEach(() => client.end());

  it("prepares a text with parameters once and runs it by name after", async () => {
    const text = "select $1::int + 1 as next";
    expect((await client.query(text, [1])).rows).toEqual([{ next: 2 }]);
    expect((await client.query(text, [41])).rows).toEqual([{ next: 42 }]);
    expect(await preparedTexts(client)).toEqual([text]);
    // Without parameters (begin, commit, …) nothing is named.
    await client.query("select 1 as one");
    await client.query("select 1 as one", []);
    expect(await preparedTexts(client)).toEqual([text]);
  });

  it("never names a pattern match: its plan depends on the pattern", async () => {
    for (const text of [
      "select $1::text ilike $2 as hit",
      "select $1::text like $2 as hit",
      "select $1::text not like $2 as hit",
      "select $1::text similar to $2 as hit",
    ]) {
      await client.query(text, ["Mug", "%u%"]);
      await client.query(text, ["Mug", "%u%"]);
    }
    expect(await preparedTexts(client)).toEqual([]);
  });

  it(`names at most ${MAX_NAMED} texts per connection; the rest run unnamed, with the same results`, async () => {
    for (let index = 0; index < MAX_NAMED + 20; index++) {
      const { rows } = await client.query(`select $1::int * ${index} as product`, [2]);
      expect(rows).toEqual([{ product: 2 * index }]);
    }
    const texts = await preparedTexts(client);
    expect(texts).toHaveLength(MAX_NAMED);
    expect(texts).not.toContain(`select $1::int * ${MAX_NAMED} as product`);
  });

  it("runs a statement whose table gained a column again, parsed afresh, outside a transaction", async () => {
    await client.query("create temporary table shelf (id int primary key, label text)");
    await client.query("insert into shelf values (1, 'top')");
    const read = "select * from shelf where id = $1";
    expect((await client.query(read, [1])).rows).toEqual([{ id: 1, label: "top" }]);
    await client.query("alter table shelf add column depth int not null default 30");
    // The server refuses the prepared one ("cached plan must not change result type"); the caller never sees it.
    expect((await client.query(read, [1])).rows).toEqual([{ id: 1, label: "top", depth: 30 }]);
    expect((await client.query(read, [1])).rows).toEqual([{ id: 1, label: "top", depth: 30 }]);
  });

  it("inside a transaction answers the stale statement as a retryable fault, and the retry runs", async () => {
    await client.query("create temporary table shelf (id int primary key, label text)");
    await client.query("insert into shelf values (1, 'top')");
    const read = "select * from shelf where id = $1";
    await client.query(read, [1]);
    await client.query("alter table shelf add column depth int not null default 30");
    await client.query("begin");
    const error = await client.query(read, [1]).catch((caught: unknown) => caught);
    await client.query("rollback");
    expect(isStaleStatement(error)).toBe(true);
    // The HTTP layer answers it 503 with Retry-After, as for a lost connection.
    expect(isConnectionError(error)).toBe(true);
    await client.query("begin");
    expect((await client.query(read, [1])).rows).toEqual([{ id: 1, label: "top", depth: 30 }]);
    await client.query("commit");
  });

  it("names nothing when turned off (DATABASE_PREPARED_STATEMENTS=false)", async () => {
    const plain = new pg.Client({ connectionString: url });
    await plain.connect();
    try {
      queryThroughCallbacks(plain);
      await plain.query("select $1::int as n", [1]);
      await plain.query("select $1::int as n", [2]);
      expect(await preparedTexts(plain)).toEqual([]);
    } finally {
      await plain.end();
    }
  });
});

describe("the pool createDatabase opens", () => {
  it("runs Kysely's queries as named statements, or not when turned off", async () => {
    for (const preparedStatements of [true, false]) {
      const database = createDatabase({ url, poolSize: 1, preparedStatements });
      try {
        const read = () => sql<{ n: number }>`select ${7}::int as n`.execute(database.db);
        expect((await read()).rows).toEqual([{ n: 7 }]);
        expect((await read()).rows).toEqual([{ n: 7 }]);
        // One pooled connection: this runs where the two reads ran.
        const { rows } = await sql<{
          count: string;
        }>`select count(*) from pg_prepared_statements where statement = ${"select $1::int as n"}`.execute(database.db);
        expect(Number(rows[0]?.count)).toBe(preparedStatements ? 1 : 0);
      } finally {
        await database.close();
      }
    }
  });
});
