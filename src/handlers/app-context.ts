import type { Principal } from "../auth/principal.js";
import type { Tenant } from "../db/tenant.js";

/**
 * What every handler receives as its context: the resolved caller and its
 * tenant. Built by the principal resolver before validation, so a handler
 * only runs for an authenticated caller allowed to call its operation.
 */
export interface AppContext {
  readonly principal: Principal;
  readonly tenant: Tenant;
  readonly requestId: string;
}
