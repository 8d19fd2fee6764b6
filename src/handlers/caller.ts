import type { Principal } from "../auth/principal.js";

/**
 * The caller key that scopes storefront orders ("placed with the caller's
 * credentials") and idempotency keys ("per store and caller"): the kind of
 * credential and its id, so two API keys of one user are two callers.
 */
export function callerOf(principal: Principal): string {
  return `${principal.kind}:${principal.credentialId}`;
}
