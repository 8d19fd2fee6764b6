import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";

/** `abcd efgh`, `ABCD-EFGH` and `abcdefgh` are one code (the plugin's normal form). */
export function normalizeUserCode(code: string): string {
  const letters = code.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
  return letters.length === 8 ? `${letters.slice(0, 4)}-${letters.slice(4)}` : code.trim().toUpperCase();
}

/** How the plugin stores a user code: SHA-256 (base64url) of its normal form. */
export function userCodeHash(code: string): string {
  return createHash("sha256").update(normalizeUserCode(code)).digest("base64url");
}

/** The agent's live device-authorization requests that carry a user code. */
export async function pendingCodeRequests(db: Kysely<Database>, agentId: string) {
  return db
    .selectFrom("approvalRequest")
    .select(["id", "userCodeHash", "capabilities"])
    .where("agentId", "=", agentId)
    .where("status", "=", "pending")
    .where("method", "=", "device_authorization")
    .where("userCodeHash", "is not", null)
    .where("expiresAt", ">", new Date())
    .execute();
}

/** Whether the code matches one of the agent's live device requests. */
export async function userCodeMatches(db: Kysely<Database>, agentId: string, code: string): Promise<boolean> {
  const hash = userCodeHash(code);
  return (await pendingCodeRequests(db, agentId)).some((request) => request.userCodeHash === hash);
}
