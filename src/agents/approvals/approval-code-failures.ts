import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema.js";

/** Wrong user codes one approval request tolerates; the next attempt finds it closed. */
export const MAX_USER_CODE_FAILURES = 5;

/** The most wrong codes typed against the agent's pending device approvals, or against one closed for too many. */
export async function userCodeFailures(db: Kysely<Database>, agentId: string): Promise<number> {
  const row = await db
    .selectFrom("approval_code_failures")
    .innerJoin("approvalRequest", "approvalRequest.id", "approval_code_failures.approval_request_id")
    .select((eb) => eb.fn.max("approval_code_failures.failures").as("failures"))
    .where("approvalRequest.agentId", "=", agentId)
    .where((eb) =>
      eb.or([eb("approvalRequest.status", "=", "pending"), eb("approval_code_failures.failures", ">=", MAX_USER_CODE_FAILURES)]),
    )
    .executeTakeFirst();
  return Number(row?.failures ?? 0);
}

/**
 * Counts one wrong code against each pending device approval of the agent;
 * at the limit the request dies: its pending grants are denied, a still
 * pending agent is rejected and the approval requests are closed. (Only
 * closing the requests would be unsafe: the plugin skips the code check when
 * it finds no pending device approval.)
 */
export async function recordUserCodeFailure(db: Kysely<Database>, agentId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const requests = await trx
      .selectFrom("approvalRequest")
      .select("id")
      .where("agentId", "=", agentId)
      .where("status", "=", "pending")
      .where("method", "=", "device_authorization")
      .execute();
    if (requests.length === 0) return;
    const counted = await trx
      .insertInto("approval_code_failures")
      .values(requests.map((request) => ({ approval_request_id: request.id, failures: 1 })))
      .onConflict((conflict) =>
        conflict.column("approval_request_id").doUpdateSet({ failures: sql`approval_code_failures.failures + 1`, updated_at: sql`now()` }),
      )
      .returning("failures")
      .execute();
    if (Math.max(...counted.map((row) => row.failures)) < MAX_USER_CODE_FAILURES) return;
    const now = new Date();
    await trx
      .updateTable("agentCapabilityGrant")
      .set({ status: "denied", updatedAt: now })
      .where("agentId", "=", agentId)
      .where("status", "=", "pending")
      .execute();
    await trx
      .updateTable("agent")
      .set({ status: "rejected", updatedAt: now })
      .where("id", "=", agentId)
      .where("status", "=", "pending")
      .execute();
    await trx
      .updateTable("approvalRequest")
      .set({ status: "denied", updatedAt: now })
      .where("agentId", "=", agentId)
      .where("status", "=", "pending")
      .execute();
  });
}
