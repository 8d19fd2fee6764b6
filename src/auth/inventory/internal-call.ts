import { randomBytes, timingSafeEqual } from "node:crypto";

const INTERNAL_CALL_HEADER = "x-commerce-internal-call";

/** Unguessable and never sent anywhere: it only travels on Request objects this process builds for itself. */
const token = Buffer.from(randomBytes(32).toString("base64url"));

/**
 * Headers for a call of an `internal` Better Auth endpoint from our own code
 * that has to pass a Request (an endpoint that reads `ctx.request`, such as
 * the OAuth provider's consent, which re-runs the authorization). Without a
 * Request, a call is ours anyway; with one, only this marker tells it from
 * an HTTP request, which the route firewall refuses for internal routes.
 */
export function internalCallHeaders(headers: Headers): Headers {
  const marked = new Headers(headers);
  marked.set(INTERNAL_CALL_HEADER, token.toString());
  return marked;
}

/** Whether an endpoint call comes from our own code: no HTTP request at all, or one built with internalCallHeaders. */
export function isInternalCall(request: Request | undefined): boolean {
  if (!request) return true;
  const sent = Buffer.from(request.headers.get(INTERNAL_CALL_HEADER) ?? "");
  return sent.length === token.length && timingSafeEqual(sent, token);
}
