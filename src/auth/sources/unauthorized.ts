import type { HttpProblem, ProblemCode } from "../../../generated/routes.js";
import { httpProblem } from "../../http/problem-titles.js";

/** How a caller can authenticate, for 401 responses (RFC 9110 §11.6.1). */
function wwwAuthenticate(publicOrigin: string): string {
  return `ApiKey header="x-api-key", AgentAuth discovery="${publicOrigin}/.well-known/agent-configuration"`;
}

/** A 401 that tells the caller how to authenticate (API key, or Agent Auth from the discovery document). */
export function unauthorized(publicOrigin: string, code: ProblemCode, detail: string): HttpProblem {
  return httpProblem(401, code, detail, undefined, { "WWW-Authenticate": wwwAuthenticate(publicOrigin) });
}

/** The answer to a request that proves nothing: no credential a source reads, or a session that is no member's. */
export function noCredentials(publicOrigin: string): HttpProblem {
  return unauthorized(
    publicOrigin,
    "unauthenticated",
    "Send an API key in x-api-key, an agent JWT as a Bearer token, or a session cookie.",
  );
}
