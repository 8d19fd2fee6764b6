import type { Kysely } from "kysely";
import { capabilities, isCapabilityName } from "../../../../generated/capabilities.js";
import { scopesOfRole } from "../../../auth/membership.js";
import { parseJsonColumn } from "../../../db/json-column.js";
import type { Database } from "../../../db/schema.js";
import { agentMembership, pinnedOrganization } from "../../principal/store-of-agent.js";

export interface Membership {
  readonly organizationId: string;
  readonly role: string;
}

export async function membershipsOf(db: Kysely<Database>, userId: string): Promise<Membership[]> {
  return db.selectFrom("member").select(["organizationId", "role"]).where("userId", "=", userId).execute();
}

/** Whether the membership's role reaches admin operations (owner or admin). */
export function managesStore(membership: Membership | undefined): boolean {
  return membership !== undefined && scopesOfRole(membership.role).has("admin");
}

/** The organization pinned in an agent row's metadata, if any. */
export function pinnedOrganizationOfRow(agent: { readonly metadata: string | null } | undefined): string | null {
  return pinnedOrganization(parseJsonColumn(agent?.metadata ?? null));
}

/**
 * The store a user would grant an agent access to: the agent's pinned store
 * when the user is a member of it, else the user's only store. Undefined
 * when neither holds (then nothing may be granted: the agent could never act
 * in a store the granter speaks for).
 */
export async function grantingMembership(db: Kysely<Database>, userId: string, pinned: string | null): Promise<Membership | undefined> {
  return agentMembership(await membershipsOf(db, userId), pinned);
}

/** The admin-scope capabilities among the names (unknown names are the plugin's to refuse). */
export function adminCapabilities(names: readonly string[]): string[] {
  return names.filter((name) => isCapabilityName(name) && capabilities[name].scope === "admin");
}

/** Capability names from a body's `capabilities` (strings or `{ name }` objects); undefined when absent. */
export function capabilityNamesOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item) => {
    if (typeof item === "string") return [item];
    if (item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string") return [(item as { name: string }).name];
    return [];
  });
}

/** Whether the session was created within the last `seconds` (the plugin's freshSessionWindow for approvals). */
export function isFreshSession(session: { readonly session: { readonly createdAt: Date | string } }, seconds: number): boolean {
  return Date.now() - new Date(session.session.createdAt).getTime() <= seconds * 1000;
}
