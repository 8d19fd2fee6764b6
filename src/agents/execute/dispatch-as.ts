import type { CapabilityName } from "../../../generated/capabilities.js";
import type { HandlerResult, OperationCall, OperationDispatcher } from "../../../generated/routes.js";
import { assertMayCall } from "../../auth/operation-access.js";
import type { Principal } from "../../auth/principal.js";
import { tenantOf } from "../../db/tenant.js";
import type { AppContext } from "../../handlers/app-context.js";

/**
 * Runs an operation in-process for a caller already resolved, the way /v1
 * would: the caller's scope and grants are checked (`assertMayCall`, an
 * HttpProblem when refused), then the generated router's dispatcher runs the
 * same validators and handler in the caller's tenant. Every face that is not
 * the /v1 router (Agent Auth's `capability/execute`, MCP's `tools/call`)
 * goes through here, so a grant or tenant rule cannot hold on one face and
 * be missed on another.
 *
 * @example
 * const call = toOperationCall("getProduct", { product_id });
 * const { status, body } = await dispatchAs(dispatcher, principal, "getProduct", call, { authBaseUrl, requestId });
 */
export function dispatchAs(
  dispatcher: OperationDispatcher<AppContext>,
  caller: Principal,
  capability: CapabilityName,
  call: OperationCall,
  options: {
    /** Better Auth's base URL: a refusal for a missing grant names where to ask for it. */
    readonly authBaseUrl: string;
    /** The id the call is logged under (the HTTP request's, when there is one). */
    readonly requestId: string;
  },
): Promise<HandlerResult> {
  assertMayCall(caller, capability, options.authBaseUrl);
  return dispatcher.dispatch(capability, call, {
    principal: caller,
    tenant: tenantOf(caller.organizationId),
    requestId: options.requestId,
  });
}
