import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { inTransaction } from "../db/transaction.js";
import { requestHash } from "./canonical-json.js";
import { isLockTimeout } from "./database-errors.js";
import { DomainError } from "./domain-error.js";

/** A response worth replaying: the status and JSON body first sent. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface IdempotentRequest {
  readonly operationId: string;
  /** The `Idempotency-Key` header. */
  readonly key: string;
  /** What makes two requests "the same": path parameters and body, not headers. */
  readonly input: unknown;
}

export interface IdempotencyOptions {
  /** Longest wait for a duplicate's first request to end before answering 409 in progress, ms. */
  readonly claimWaitMs?: number;
}

/** Keys are remembered for 24 hours; after that the same key is a new request. */
const KEY_LIFETIME = sql`interval '24 hours'`;

/**
 * How long a duplicate waits (PostgreSQL `lock_timeout` on the claim) for the
 * transaction of the first request with its key to end. A placement takes
 * milliseconds, under load well under a second, so a wait this long means the
 * first is stuck, most likely its client machine vanished mid-transaction
 * (PostgreSQL ends that after `IDLE_IN_TRANSACTION_TIMEOUT_MS`, see
 * create-database.ts). It stays far below HAProxy's 30 s `timeout server` and
 * common client timeouts, and a waiting duplicate holds a pooled connection,
 * so it is short: the duplicate answers 409 with `Retry-After` instead.
 * The contract states it (openapi/commerce.yaml, `Idempotency-Key`).
 */
export const CLAIM_WAIT_MS = 3_000;
/** What the 409 in progress tells the client to wait before sending the same request again. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 2;

type Claim = { readonly token: string } | { readonly replay: StoredResponse };

/**
 * `Idempotency-Key` handling, per store and caller. Claim, work and response
 * are ONE transaction:
 *
 * 1. claim the key, the transaction's first statement: an INSERT … ON
 *    CONFLICT DO UPDATE that takes over only an expired key. A duplicate
 *    arriving meanwhile blocks on the uncommitted row until the first
 *    request's transaction ends: committed, it finds the stored response and
 *    replays it (or answers 422 for another request under the key); rolled
 *    back, its own INSERT goes through and it runs the work. After
 *    `CLAIM_WAIT_MS` it gives up: 409 in progress;
 * 2. run the work in the same transaction and store the response with it.
 *
 * So a key is never held by a request that is not running: a failure rolls
 * the claim back with the work (failed requests are not remembered; a retry
 * runs again), and a process killed mid-request loses its connection, so
 * PostgreSQL aborts its transaction and the lock goes with it. A COMMIT whose
 * answer was lost with the connection needs nothing either: it stored the
 * response with the work, so the client's retry replays it.
 *
 * On PGlite (one connection) Kysely runs transactions one at a time, so a
 * duplicate never waits on a lock: it starts once the first has committed or
 * rolled back, then replays or runs.
 *
 * `run` must open the transaction (a Kysely instance, not a transaction):
 * joined into a caller's transaction, the claim would not come first and
 * a duplicate could wait while holding that transaction's locks.
 */
export class IdempotencyService {
  private readonly claimWaitMs: number;

  constructor(
    private readonly db: Db,
    private readonly tenant: Tenant,
    private readonly caller: string,
    options: IdempotencyOptions = {},
  ) {
    this.claimWaitMs = options.claimWaitMs ?? CLAIM_WAIT_MS;
  }

  /** `work` gets the transaction to run its services in. */
  async run<R extends StoredResponse>(request: IdempotentRequest, work: (tx: Db) => Promise<R>): Promise<R> {
    const hash = requestHash(request.operationId, request.input);
    return inTransaction(this.db, async (tx) => {
      const scope = new TenantScope(tx, this.tenant);
      const claim = await this.claim(tx, scope, request, hash);
      // The hash covers the operation, so a replay has the shape this operation's work returns.
      if ("replay" in claim) return claim.replay as R;
      const result = await work(tx);
      const stored = await scope
        .updateTable("idempotency_keys")
        .set({ response_status: result.status, response_body: JSON.stringify(result.body) })
        .where("caller", "=", this.caller)
        .where("key", "=", request.key)
        .where("claim_token", "=", claim.token)
        .executeTakeFirst();
      // Cannot happen while this transaction holds the row; kept so the work can never commit without its response.
      if (stored.numUpdatedRows === 0n) throw inProgress();
      return result;
    });
  }

  private async claim(tx: Db, scope: TenantScope, request: IdempotentRequest, hash: string): Promise<Claim> {
    const token = randomUUID();
    let claimed: boolean;
    try {
      // One statement. Only the claim may wait this little: `claim_wait` sets the transaction's lock_timeout
      // as the INSERT reads its row, before it can meet (and wait on) a duplicate's uncommitted key; RETURNING
      // resets it once claimed (NULL: back to the server's, database's or role's setting; pooled sessions never
      // set their own), so the work's lock waits (a busy product row) keep the usual limit. Unclaimed, this
      // transaction only reads the stored response and ends.
      const { rows } = await sql<{ claim_token: string }>`
        with claim_wait as (select set_config('lock_timeout', ${`${this.claimWaitMs}ms`}, true))
        insert into idempotency_keys (organization_id, caller, key, operation_id, request_hash, claim_token, expires_at)
        select ${this.tenant.organizationId}, ${this.caller}, ${request.key}, ${request.operationId}, ${hash}, ${token},
          now() + ${KEY_LIFETIME}
        from claim_wait
        on conflict (organization_id, caller, key) do update set
          operation_id = excluded.operation_id,
          request_hash = excluded.request_hash,
          claim_token = excluded.claim_token,
          expires_at = excluded.expires_at,
          response_status = null,
          response_body = null
        -- Expired keys are new. A committed row without a response is a claim left by a version that
        -- claimed in a transaction of its own (before this one): not running here, and that version
        -- stores its response only while its claim token matches, so taking it over is safe.
        where idempotency_keys.expires_at <= now() or idempotency_keys.response_status is null
        returning claim_token, set_config('lock_timeout', null, true)`.execute(tx);
      claimed = rows.length > 0;
    } catch (error) {
      // The first request's transaction is still open after the wait (the transaction is aborted; it rolls back).
      if (isLockTimeout(error)) throw inProgress();
      throw error;
    }
    if (claimed) return { token };

    // Not claimed: a live key with a response, committed (ON CONFLICT waited for it) and now locked by us.
    const existing = await scope
      .selectFrom("idempotency_keys")
      .select(["request_hash", "response_status", "response_body"])
      .where("caller", "=", this.caller)
      .where("key", "=", request.key)
      .executeTakeFirst();
    if (!existing || existing.response_status === null || existing.response_body === null) throw inProgress();
    if (existing.request_hash !== hash) {
      throw new DomainError("idempotency_key_reused", "This key was first used with a different request.", {
        fieldErrors: [{ pointer: "/header/idempotency-key", detail: "This key was first used with a different body." }],
      });
    }
    return { replay: { status: existing.response_status, body: JSON.parse(existing.response_body) } };
  }
}

function inProgress() {
  return new DomainError(
    "idempotency_request_in_progress",
    "A request with this Idempotency-Key is still running; send the same request again after Retry-After seconds to get its response.",
    { retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS },
  );
}
