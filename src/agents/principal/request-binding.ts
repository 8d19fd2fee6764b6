import type { JWTPayload } from "jose";
import type { HttpProblem } from "../../../generated/routes.js";
import { httpProblem } from "../../http/problem-titles.js";

/** The request facts a token may be bound to (`htm`, `htu`). */
export interface RequestFacts {
  readonly method: string;
  /** Origin and path the request was received at (the configured or trusted-proxy origin), no query. */
  readonly url: string;
  /** Origins the request may claim besides the configured ones (a trusted proxy's view). */
  readonly extraOrigins?: readonly string[];
}

/**
 * Optional request binding, as the plugin checks it: `htm` equals the
 * method (any case), `htu` the request's URL as origin + path. The plugin
 * compares `htu` verbatim, so an `htu` carrying the query never matches it;
 * we follow DPoP's rule instead (RFC 9449 §4.3: the URI "ignoring any query
 * and fragment parts"): both sides are reduced to origin + path before the
 * comparison. The query is not bound either way, so this accepts no request
 * the plugin's rule would let through with a different path or origin.
 *
 * A body hash (`ath`) is not checked here: /v1 refuses it (its body is read
 * after authentication), execute hands such tokens to the plugin.
 */
export function assertRequestBinding(payload: JWTPayload, request: RequestFacts): void {
  if (payload.ath !== undefined)
    throw httpProblem(401, "request_binding_unsupported", "Tokens bound to a body hash (ath) are not accepted on /v1.");
  if (payload.htm !== undefined && String(payload.htm).toUpperCase() !== request.method.toUpperCase()) throw bindingMismatch();
  if (payload.htu !== undefined) {
    const bound = originAndPath(String(payload.htu));
    // An htu that is no URL binds to nothing: refused, never compared as null = null.
    if (bound === null || bound !== originAndPath(request.url)) throw bindingMismatch();
  }
}

/** `scheme://host[:port]/path` with default ports and letter case normalized; null when not an absolute http(s) URL. */
function originAndPath(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return `${url.origin}${url.pathname}`;
  } catch {
    return null;
  }
}

function bindingMismatch(): HttpProblem {
  return httpProblem(401, "request_binding_mismatch", "Request binding does not match the JWT.");
}
