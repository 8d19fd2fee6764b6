/**
 * Named (server-side prepared) statements for one pooled PostgreSQL
 * connection: the first run of a SQL text parses it under a name, every
 * later run on that connection only binds and executes it. PostgreSQL then
 * skips parse and analysis, and after five runs may keep a generic plan, so
 * the planner is skipped too. Measured on the order flow (issue #15, CPU at a
 * fixed 300 req/s): PostgreSQL ~1,300 → ~900 µs per request; parsing alone
 * (`plan_cache_mode = force_custom_plan`) saved almost nothing, the plan cache is the gain.
 *
 * Left unnamed, so each run is planned for its own values as before:
 * - pattern matches (LIKE, ILIKE): how many rows `%x%` matches depends
 *   entirely on the value, so a plan kept across values could pick the
 *   trigram index for a pattern matching half the store, or skip it for a rare one;
 * - texts beyond `MAX_NAMED` per connection: names are never freed while a
 *   connection lives (pg closes none), so the server memory they use stays bounded
 *   whatever queries a future change builds (e.g. IN lists of every length).
 *
 * A prepared statement whose table changed its columns (a migration adding
 * one while this process runs) fails with "cached plan must not change result
 * type" (SQLSTATE 0A000). `forget()` then gives every text a new name, so each
 * is parsed afresh against the new table; see `queryThroughCallbacks` for the retry.
 */
export const MAX_NAMED = 200;

/** A pattern match anywhere in the text: its plan depends on the pattern's value. */
const PATTERN_MATCH = /\b(i?like|similar\s+to)\b|~~/i;

export class StatementNames {
  private readonly names = new Map<string, string>();
  /** Bumped by `forget()`: the server still holds the old names, so new ones must differ. */
  private generation = 0;

  /** The name to run `text` under on this connection, or undefined to run it unnamed. */
  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.names.size >= MAX_NAMED || PATTERN_MATCH.test(text)) return undefined;
    const name = `s${this.generation}_${this.names.size}`;
    this.names.set(text, name);
    return name;
  }

  /** After a statement went stale: parse every text again, under new names. */
  forget(): void {
    this.names.clear();
    this.generation++;
  }
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed since it was parsed. */
export function isStaleStatement(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "0A000" && typeof message === "string" && message.includes("cached plan must not change result type");
}
