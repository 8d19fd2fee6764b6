import type { Kysely } from "kysely";
import { parseJsonColumn } from "../../db/json-column.js";
import type { Database } from "../../db/schema.js";
import { pinnedOrganization } from "../principal/store-of-agent.js";
import { refusal } from "./guards/refusal.js";

/**
 * Pins the store an agent acts for in its metadata (`organizationId`), the
 * tenant its calls resolve to. Returns an undo for when the approval that
 * motivated the pin fails (wrong code, refused), so a failed attempt cannot
 * re-point someone else's agent. An agent already pinned keeps its store.
 */
export async function pinOrganization(db: Kysely<Database>, agentId: string, organizationId: string): Promise<() => Promise<void>> {
  const agent = await db.selectFrom("agent").select("metadata").where("id", "=", agentId).executeTakeFirst();
  if (!agent) return async () => {};
  const previous = agent.metadata;
  const current = parseJsonColumn(previous);
  const pinned = pinnedOrganization(current);
  // Grants were approved for the pinned store: never move an agent (and them) to another one.
  if (pinned && pinned !== organizationId) {
    throw refusal(
      "store_pin_fixed",
      "This agent already acts for another of your stores; approve it for that store, or connect a new agent for this one.",
    );
  }
  if (pinned) return async () => {};
  const metadata = { ...(current && typeof current === "object" ? current : {}), organizationId };
  await db
    .updateTable("agent")
    .set({ metadata: JSON.stringify(metadata) })
    .where("id", "=", agentId)
    .execute();
  return async () => {
    await db.updateTable("agent").set({ metadata: previous }).where("id", "=", agentId).execute();
  };
}
