import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/** The channel `commerce_auth_changed` NOTIFYs go to. */
export const AUTH_CHANGED_CHANNEL = "commerce_auth_changed";

/**
 * NOTIFY on every change that can take access away from an API key: the key
 * row deleted, disabled, expired or re-pointed, and any membership inserted,
 * changed or deleted. API processes LISTEN and drop their cached principals
 * (see api-key-principal.ts). Key bookkeeping (last request, counters) does
 * not notify: it is not listed in `update of`, so verifications do not
 * flush every process's cache.
 *
 * Better Auth's tables are created before ours (migrateAll); databases
 * without them (service tests) get the function but no triggers.
 */
export const authChangeNotifications: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create or replace function commerce_notify_auth_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('commerce_auth_changed', tg_table_name);
        return null;
      end
      $$`.execute(db);
    await sql`
      do $$
      begin
        if to_regclass('public.apikey') is not null then
          create trigger apikey_auth_changed
            after update of enabled, "expiresAt", "referenceId", metadata or delete on apikey
            for each statement execute function commerce_notify_auth_changed();
        end if;
        if to_regclass('public.member') is not null then
          create trigger member_auth_changed
            after insert or update or delete on member
            for each statement execute function commerce_notify_auth_changed();
        end if;
      end
      $$`.execute(db);
  },

  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists apikey_auth_changed on apikey`.execute(db).catch(() => undefined);
    await sql`drop trigger if exists member_auth_changed on member`.execute(db).catch(() => undefined);
    await sql`drop function if exists commerce_notify_auth_changed()`.execute(db);
  },
};
