import { type RawBuilder, sql } from "kysely";
import { invalidField } from "./domain-error.js";

/**
 * Keyset pagination cursors for lists ordered by `(created_at, id)` newest
 * first. A cursor is base64url(JSON `[kind, created_at, id]`) where
 * `created_at` keeps PostgreSQL's microseconds: a JavaScript Date would
 * truncate them to milliseconds and skip or repeat rows created within the
 * same millisecond. `kind` ties a cursor to the list that issued it.
 */
export type CursorKind = "products" | "orders";

/** One page of a list, as the contract's `*List` schemas have it. */
export interface Page<T> {
  readonly data: T[];
  readonly next_cursor: string | null;
}

export interface KeysetPosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, exactly as `cursorTimestamp` selects it. */
  readonly createdAt: string;
  readonly id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Selects a row's `created_at` at full precision, for `encodeCursor`. */
export function cursorTimestamp(table: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(`${table}.created_at`)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor(kind: CursorKind, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([kind, position.createdAt, position.id])).toString("base64url");
}

/**
 * Decodes a cursor from `?cursor=`; anything this API did not issue for
 * this list is a 400 naming `/query/cursor` (never a 500 from the database).
 */
export function decodeCursor(kind: CursorKind, cursor: string): KeysetPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 3) throw badCursor();
  const [tag, createdAt, id] = value as unknown[];
  if (tag !== kind || typeof createdAt !== "string" || typeof id !== "string") throw badCursor();
  if (!TIMESTAMP.test(createdAt) || !UUID.test(id) || !isRealInstant(createdAt)) throw badCursor();
  return { createdAt, id };
}

/** `(created_at, id) < (cursor)`: a row comparison PostgreSQL serves from the list index. */
export function afterPosition(table: string, position: KeysetPosition): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.id`)}) < (${position.createdAt}::timestamptz, ${position.id}::uuid)`;
}

/** Rejects calendar-impossible dates such as February 30th, which the regex lets through. */
function isRealInstant(timestamp: string): boolean {
  const date = new Date(timestamp);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 23) === timestamp.slice(0, 23);
}

function badCursor() {
  return invalidField("/query/cursor", "is not a cursor returned by this list", "cursor");
}

/**
 * Cuts a `limit + 1` query result into a page: the extra row only says that
 * another page exists, and the last row kept becomes the next cursor.
 */
export function toPage<Row extends { id: string; cursor_at: string }>(
  kind: CursorKind,
  rows: readonly Row[],
  limit: number,
): { rows: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(kind, { createdAt: last.cursor_at, id: last.id }) : null;
  return { rows: page, nextCursor };
}
