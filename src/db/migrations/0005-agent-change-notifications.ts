import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * NOTIFY `commerce_auth_changed` (see 0003) on every change that can take an
 * agent's access away or move it: the agent's state, user, host, key or
 * store pin; any grant inserted, changed or deleted; a host revoked or
 * re-linked. API processes drop their cached agent facts (agent-resolver.ts).
 * The session heartbeat (`lastUsedAt`, `expiresAt`) is not listed: it is
 * written on every call and changes no one's access.
 */
export const agentChangeNotifications: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      do $$
      begin
        if to_regclass('public.agent') is not null then
          create trigger agent_auth_changed
            after update of status, "userId", "hostId", "publicKey", metadata or delete on agent
            for each statement execute function commerce_notify_auth_changed();
        end if;
        if to_regclass('public."agentCapabilityGrant"') is not null then
          create trigger agent_grant_auth_changed
            after insert or update or delete on "agentCapabilityGrant"
            for each statement execute function commerce_notify_auth_changed();
        end if;
        if to_regclass('public."agentHost"') is not null then
          create trigger agent_host_auth_changed
            after update of status, "userId" or delete on "agentHost"
            for each statement execute function commerce_notify_auth_changed();
        end if;
      end
      $$`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists agent_auth_changed on agent`.execute(db);
    await sql`drop trigger if exists agent_grant_auth_changed on "agentCapabilityGrant"`.execute(db);
    await sql`drop trigger if exists agent_host_auth_changed on "agentHost"`.execute(db);
  },
};
