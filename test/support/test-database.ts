import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDatabase, type DatabaseHandle } from "../../src/db/create-database.js";

/**
 * A database of its own for one test file, so files run in parallel:
 * with DATABASE_URL set, a fresh PostgreSQL database created on that server
 * (dropped on dispose); otherwise an in-memory PGlite instance.
 */
export async function createTestDatabase(): Promise<DatabaseHandle & { url: string | undefined; dispose(): Promise<void> }> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const handle = createDatabase({});
    return { ...handle, url: undefined, dispose: () => handle.close() };
  }
  const name = `commerce_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(baseUrl, (client) => client.query(`create database ${name}`));
  const url = withDatabaseName(baseUrl, name);
  const handle = createDatabase({ url, poolSize: 20 });
  return {
    ...handle,
    url,
    async dispose() {
      await handle.close();
      await withAdmin(baseUrl, async (client) => {
        // pg's pool.end() resolves before its clients have finished closing; dropping
        // "with (force)" at once kills them mid-close, and each emits an unhandled
        // FATAL 57P01 into the test run. Wait (briefly) for them to go first.
        for (let attempt = 0; attempt < 50; attempt += 1) {
          const { rows } = await client.query<{ count: string }>("select count(*) from pg_stat_activity where datname = $1", [name]);
          if (rows[0]?.count === "0") break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
