import { APIError } from "better-auth/api";
import type { ProblemCode } from "../../../../generated/routes.js";

/** HTTP statuses our guards refuse with (Better Auth's status names). */
type RefusalStatus = "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "TOO_MANY_REQUESTS";

/**
 * A guard's refusal in the plugin's own error shape, `{ error, message }`,
 * so protocol clients and our pages read it like any plugin error.
 */
export function refusal(error: ProblemCode, message: string, status: RefusalStatus = "FORBIDDEN"): APIError {
  return new APIError(status, { error, message });
}
