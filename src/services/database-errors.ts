/**
 * Recognises PostgreSQL errors by SQLSTATE; `pg` and PGlite both expose
 * `code` and `constraint` on the errors they throw.
 */
interface DatabaseErrorFields {
  code?: unknown;
  constraint?: unknown;
}

/** True for a unique violation (23505), of `constraint` when one is named. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, constraint: actual } = error as DatabaseErrorFields;
  return code === "23505" && (constraint === undefined || actual === constraint);
}

/**
 * True for lock_not_available (55P03): a statement gave up waiting for a lock
 * after `lock_timeout` (or was told not to wait, NOWAIT).
 */
export function isLockTimeout(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as DatabaseErrorFields).code === "55P03";
}
