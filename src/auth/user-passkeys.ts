import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";

/** A registered passkey as its owner sees it listed (never its key material). */
export interface PasskeySummary {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: Date | null;
  /** `multiDevice`: synced (a password manager, a platform keychain); `singleDevice`: bound to one authenticator. */
  readonly deviceType: string;
  readonly backedUp: boolean;
}

/** The user's passkeys, oldest first. */
export async function userPasskeys(db: Kysely<Database>, userId: string): Promise<PasskeySummary[]> {
  return db
    .selectFrom("passkey")
    .select(["id", "name", "createdAt", "deviceType", "backedUp"])
    .where("userId", "=", userId)
    .orderBy("createdAt")
    .orderBy("id")
    .execute();
}

/** Whether the user can confirm approvals with a passkey. */
export async function hasPasskey(db: Kysely<Database>, userId: string): Promise<boolean> {
  return (await db.selectFrom("passkey").select("id").where("userId", "=", userId).limit(1).executeTakeFirst()) !== undefined;
}
