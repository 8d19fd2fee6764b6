/**
 * How the pages tell agents and hosts apart: names are the agent's own words
 * and need not be unique (two "Shopping agent"s are common), so every name is
 * shown with the start of its id, which is random and stable.
 */

const SHORT_ID_LENGTH = 8;

/** The first characters of an id, enough to tell a merchant's agents apart at a glance. */
export function shortId(id: string): string {
  return id.slice(0, SHORT_ID_LENGTH);
}

/** `Shopping agent (a1B2c3D4)`. */
export function agentLabel(name: string, id: string): string {
  return `${name} (${shortId(id)})`;
}

/** `laptop (h1B2c3D4)`; a host without a name is "unnamed host", an agent without one "no host". */
export function hostLabel(name: string | null, id: string | null): string {
  if (!id) return "no host";
  return `${name ?? "unnamed host"} (${shortId(id)})`;
}
