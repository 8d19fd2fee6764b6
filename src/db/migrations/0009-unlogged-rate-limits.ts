import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Better Auth's per-address counters (its `rateLimit` table, created by its
 * own migrator just before ours when rate limits are stored in the database)
 * become unlogged: the limiter writes a row on every /api/auth request, and a
 * WAL flush per request cost ~4 ms on our PostgreSQL (scripts/bench-sign-in.ts).
 * A database crash or failover empties the counters, as losing a Redis
 * holding them would; a clean restart keeps them. `if exists`: databases
 * migrated for services alone have no Better Auth tables.
 */
export const unloggedRateLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table if exists "rateLimit" set unlogged`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table if exists "rateLimit" set logged`.execute(db);
  },
};
