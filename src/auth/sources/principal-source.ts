import type { Request } from "express";
import type { Principal } from "../principal.js";

/**
 * One way of proving who calls the API (an API key, an agent JWT, a session
 * cookie, ...). The context factory asks the sources in order and lets the
 * first that `matches` the request `resolve` it: a new way to authenticate
 * is one more source in the list the composition root builds
 * (app/principal-sources.ts).
 */
export interface PrincipalSource {
  /** For logs and tests: which kind of credential this source reads. */
  readonly name: string;
  /** Whether the request carries this source's credential (headers only: nothing is verified yet). */
  matches(req: Request): boolean;
  /**
   * The caller the credential stands for. A credential that does not hold
   * up is refused here with this source's own problem (401 `invalid_api_key`,
   * 401 `invalid_jwt`, 403 `proxy_key_required`, ...), never by falling
   * through to the next source. A principal known without I/O (a cached
   * one) may come back as is rather than as a promise.
   */
  resolve(req: Request): Principal | Promise<Principal>;
}
