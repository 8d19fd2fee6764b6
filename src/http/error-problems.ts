import type { HttpProblem } from "../../generated/routes.js";
import { ReplayStoreUnavailable } from "../agents/principal/replay-store.js";
import { problemOfDatabaseFault } from "./database-unavailable.js";
import { problemOfDomainError } from "./domain-problems.js";
import { httpProblem } from "./problem-titles.js";

/** Seconds an agent should wait while the replay store (Redis) is away: it reconnects within 2 s of its return. */
const REPLAY_STORE_RETRY_AFTER_SECONDS = 2;

/**
 * The problem for an error that is not already an HttpProblem: a service's
 * refusal (DomainError), a database outage (503) or a replay store outage
 * (503: an agent JWT that cannot be checked is refused, see replay-store.ts);
 * undefined for anything else, which stays a 500. Every path that runs
 * services and speaks HTTP uses it (the /v1 router's `classifyError`, the
 * in-process dispatcher of `capability/execute`, the fast execute route,
 * Better Auth's handler), so a refusal reads the same whichever way the call came.
 */
export function problemOfError(error: unknown): HttpProblem | undefined {
  return problemOfDomainError(error) ?? problemOfDatabaseFault(error) ?? problemOfReplayStoreFault(error);
}

function problemOfReplayStoreFault(error: unknown): HttpProblem | undefined {
  if (!(error instanceof ReplayStoreUnavailable)) return undefined;
  return httpProblem(
    503,
    "replay_store_unavailable",
    "The JWT cannot be checked for replay right now and was not used. Retry after the Retry-After delay with a new JWT.",
    undefined,
    { "Retry-After": String(REPLAY_STORE_RETRY_AFTER_SECONDS) },
  );
}
