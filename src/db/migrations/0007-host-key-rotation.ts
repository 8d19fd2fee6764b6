import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * `host/rotate-key` gives a host a new id (its new key's thumbprint) with an
 * UPDATE of the primary key, then re-points the host's agents: with Better
 * Auth's plain foreign keys the first UPDATE fails (500) for any host that
 * has agents or approval requests. ON UPDATE CASCADE lets the rename carry
 * them along. Skipped where the plugin's tables do not exist (service-only
 * test databases).
 */
export const hostKeyRotation: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      DO $$
      DECLARE fk record;
      BEGIN
        IF to_regclass('"agentHost"') IS NULL THEN RETURN; END IF;
        FOR fk IN
          SELECT conname, conrelid::regclass AS tbl, (SELECT attname FROM pg_attribute WHERE attrelid = conrelid AND attnum = conkey[1]) AS col
          FROM pg_constraint WHERE contype = 'f' AND confrelid = '"agentHost"'::regclass
        LOOP
          EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
          EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES "agentHost"(id) ON DELETE CASCADE ON UPDATE CASCADE', fk.tbl, fk.conname, fk.col);
        END LOOP;
      END $$;
    `.execute(db);
  },
  async down() {
    // Plain foreign keys would only bring the 500 back; nothing to undo.
  },
};
