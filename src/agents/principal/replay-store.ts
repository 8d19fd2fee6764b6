/**
 * Where the ids of spent JWTs live (agent JWTs as `<agentId>:<jti>`, host
 * JWTs as `host:<hostId>:<jti>`, the agent-auth plugin's own key shapes).
 * ONE store per process serves every verifier: our fast path (/v1 and
 * capability/execute), the plugin (through plugin-replay-storage.ts) and the
 * host JWT guard, so a token spent on one is spent for all. In memory
 * (memory-replay-store.ts) it covers one process; on Redis (redis-replay-store.ts,
 * REDIS_URL) every instance sharing that Redis.
 */
export interface ReplayStore {
  /**
   * Records the id until `expiresAtMs`; false when it is already recorded
   * and unexpired. Check and record are one atomic step, so two concurrent
   * requests with the same token cannot both pass. Throws
   * ReplayStoreUnavailable when the store cannot answer: callers refuse the
   * token (fail closed), never accept it unchecked.
   */
  claim(id: string, expiresAtMs: number): Promise<boolean>;
  /** Keeps a claimed id at least until `expiresAtMs` (never shortens); no-op for an unknown id. */
  extend(id: string, expiresAtMs: number): Promise<void>;
}

/** The replay store could not answer: the token is refused with 503 `replay_store_unavailable` (see error-problems.ts). */
export class ReplayStoreUnavailable extends Error {
  constructor(cause?: unknown) {
    super("The replay store cannot be reached.", { cause });
    this.name = "ReplayStoreUnavailable";
  }
}
