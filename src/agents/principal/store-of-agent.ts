/**
 * Which store an agent acts in: the organization pinned in its metadata at
 * approval, else its user's only membership. A leaf module (no imports), so
 * guards, principals and pages can all read it without pulling the plugin in.
 */

/** The organization an agent was pinned to at approval (its metadata `organizationId`), if any. */
export function pinnedOrganization(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== "object") return null;
  const value = (metadata as { organizationId?: unknown }).organizationId;
  return typeof value === "string" && value.length > 0 ? value : null;
}

/**
 * The membership an agent acts through: the pinned store's when it is still
 * one of the user's, else the user's only one; undefined when neither holds.
 */
export function agentMembership<T extends { organizationId: string }>(memberships: readonly T[], pinned: string | null): T | undefined {
  if (pinned) return memberships.find((item) => item.organizationId === pinned);
  return memberships.length === 1 ? memberships[0] : undefined;
}
