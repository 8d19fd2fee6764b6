import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { isConnectionError } from "../db/connection-errors.js";
import type { Db, Tenant } from "../db/tenant.js";
import { TenantScope } from "../db/tenant-scope.js";
import { inTransaction } from "../db/transaction.js";
import { requestHash } from "./canonical-json.js";
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

/** Keys are remembered for 24 hours; after that the same key is a new request. */
const KEY_LIFETIME = sql`interval '24 hours'`;
/**
 * A claim with no response after this long belongs to a request that died
 * (process crash) before storing or releasing it; another request may take
 * it over. Safe because the response is stored in the work's transaction
 * only while the claim token still matches (see `run`).
 */
const ABANDONED_AFTER = sql`interval '5 minutes'`;

/** Background attempts to release a claim after an outage: 0.5+1+2+4+8+16+16 s ≈ 47 s. */
const RELEASE_RETRIES = 7;

type Claim = { readonly token: string } | { readonly replay: StoredResponse };

/**
 * `Idempotency-Key` handling, per store and caller:
 *
 * 1. claim the key with one INSERT … ON CONFLICT (its own statement, so
 *    concurrent duplicates see the claim at once); an existing live key is
 *    either replayed (same request, response stored), refused with 422 (other
 *    request) or 409 (still running);
 * 2. run the work in a transaction that also stores the response, so either
 *    both commit or neither does;
 * 3. on failure, delete the claim: failed requests are not remembered and a
 *    retry with the same key runs again.
 */
export class IdempotencyService {
  private readonly scope: TenantScope;

  constructor(
    private readonly db: Db,
    tenant: Tenant,
    private readonly caller: string,
  ) {
    this.scope = new TenantScope(db, tenant);
  }

  /** `work` gets the transaction to run its services in. */
  async run<R extends StoredResponse>(request: IdempotentRequest, work: (tx: Db) => Promise<R>): Promise<R> {
    const hash = requestHash(request.operationId, request.input);
    const claim = await this.claim(request, hash);
    // The hash covers the operation, so a replay has the shape this operation's work returns.
    if ("replay" in claim) return claim.replay as R;
    try {
      return await inTransaction(this.db, async (tx) => {
        const result = await work(tx);
        const stored = await new TenantScope(tx, this.scope.tenant)
          .updateTable("idempotency_keys")
          .set({ response_status: result.status, response_body: JSON.stringify(result.body) })
          .where("caller", "=", this.caller)
          .where("key", "=", request.key)
          .where("claim_token", "=", claim.token)
          .executeTakeFirst();
        // Our claim was taken over as abandoned: roll the work back rather than do it twice.
        if (stored.numUpdatedRows === 0n) throw inProgress();
        return result;
      });
    } catch (error) {
      // The database is gone: releasing now would wait for a connection again before the 503 goes out.
      if (isConnectionError(error)) {
        this.releaseWhenBack(request.key, claim.token);
        throw error;
      }
      await this.release(request.key, claim.token).catch((releaseError: unknown) => {
        if (isConnectionError(releaseError)) this.releaseWhenBack(request.key, claim.token);
      });
      throw error;
    }
  }

  private async claim(request: IdempotentRequest, hash: string): Promise<Claim> {
    // A claim released between our INSERT and SELECT leaves nothing to read: claim again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const token = randomUUID();
      const claimed = await this.scope
        .insertInto("idempotency_keys", {
          caller: this.caller,
          key: request.key,
          operation_id: request.operationId,
          request_hash: hash,
          claim_token: token,
          expires_at: sql<Date>`now() + ${KEY_LIFETIME}`,
        })
        .onConflict((conflict) =>
          conflict
            .columns(["organization_id", "caller", "key"])
            .doUpdateSet((eb) => ({
              operation_id: eb.ref("excluded.operation_id"),
              request_hash: eb.ref("excluded.request_hash"),
              claim_token: eb.ref("excluded.claim_token"),
              expires_at: eb.ref("excluded.expires_at"),
              response_status: null,
              response_body: null,
            }))
            .where(
              sql<boolean>`idempotency_keys.expires_at <= now()
                or (idempotency_keys.response_status is null and idempotency_keys.expires_at < now() + ${KEY_LIFETIME} - ${ABANDONED_AFTER})`,
            ),
        )
        .returning("claim_token")
        .executeTakeFirst();
      if (claimed) return { token };

      const existing = await this.scope
        .selectFrom("idempotency_keys")
        .select(["request_hash", "response_status", "response_body"])
        .where("caller", "=", this.caller)
        .where("key", "=", request.key)
        .executeTakeFirst();
      if (!existing) continue;
      if (existing.request_hash !== hash) {
        throw new DomainError("idempotency_key_reused", "This key was first used with a different request.", {
          fieldErrors: [{ pointer: "/header/idempotency-key", detail: "This key was first used with a different body." }],
        });
      }
      if (existing.response_status === null || existing.response_body === null) throw inProgress();
      return { replay: { status: existing.response_status, body: JSON.parse(existing.response_body) } };
    }
    throw inProgress();
  }

  /**
   * The database went away mid-request, so the claim could not be deleted:
   * without this, a client retrying with the same key (as the 503 tells it
   * to) would get 409 "in progress" until the claim counts as abandoned
   * (5 minutes). Retried in the background for about 45 s. Safe however
   * late: it deletes only a claim with no stored response, so a transaction
   * whose COMMIT did land (its answer lost with the connection) keeps it.
   */
  private releaseWhenBack(key: string, token: string, attempt = 0): void {
    if (attempt >= RELEASE_RETRIES) return;
    setTimeout(
      () => {
        this.release(key, token).catch(() => this.releaseWhenBack(key, token, attempt + 1));
      },
      Math.min(500 * 2 ** attempt, 16_000),
    ).unref();
  }

  private async release(key: string, token: string): Promise<void> {
    await this.scope
      .deleteFrom("idempotency_keys")
      .where("caller", "=", this.caller)
      .where("key", "=", key)
      .where("claim_token", "=", token)
      .where("response_status", "is", null)
      .execute();
  }
}

function inProgress() {
  return new DomainError("idempotency_request_in_progress", "A request with this Idempotency-Key is still running; retry later.");
}
