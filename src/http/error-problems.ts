import type { HttpProblem } from "../../generated/routes.js";
import { problemOfDatabaseFault } from "./database-unavailable.js";
import { problemOfDomainError } from "./domain-problems.js";

/**
 * The problem for an error that is not already an HttpProblem: a service's
 * refusal (DomainError) or a database outage (503); undefined for anything
 * else, which stays a 500. Every path that runs services and speaks HTTP
 * uses it (the /v1 router's `classifyError`, the in-process dispatcher of
 * `capability/execute`, the fast execute route, Better Auth's handler), so a
 * refusal reads the same whichever way the call came.
 */
export function problemOfError(error: unknown): HttpProblem | undefined {
  return problemOfDomainError(error) ?? problemOfDatabaseFault(error);
}
