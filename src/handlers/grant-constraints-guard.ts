import type { Handlers, OperationId } from "../../generated/routes.js";
import type { RawInput } from "../../generated/runtime.js";
import { toCapabilityArguments } from "../agents/execute/capability-arguments.js";
import type { AppContext } from "./app-context.js";

/** Operations that check their constraints themselves, with values only they know (placeOrder: the order total). */
const CHECKED_INSIDE: ReadonlySet<OperationId> = new Set(["placeOrder"]);

/**
 * Wraps every handler so that an agent holding the operation only through
 * constrained grants is checked against them, on the validated input, before
 * anything runs: the same for direct calls and `capability/execute`, as both
 * call these handlers.
 */
export function withGrantConstraints(handlers: Handlers<AppContext>): Handlers<AppContext> {
  const guarded = { ...handlers } as Record<OperationId, (input: RawInput, context: AppContext) => unknown>;
  for (const operationId of Object.keys(handlers) as OperationId[]) {
    if (CHECKED_INSIDE.has(operationId)) continue;
    const handle = guarded[operationId];
    guarded[operationId] = (input, context) => {
      context.principal.constraintGates?.get(operationId)?.assert(argumentView(operationId, input));
      return handle(input, context);
    };
  }
  return guarded as unknown as Handlers<AppContext>;
}

/**
 * A call's arguments by name, as constraints name them: the capability's flat
 * arguments (same names and collision rule as its input schema), so a grant's
 * constraint means the same on `/v1`, on execute and in the plugin's check.
 */
export function argumentView(
  operationId: OperationId,
  input: Pick<RawInput, "params" | "query" | "headers" | "body">,
): Record<string, unknown> {
  return toCapabilityArguments(operationId, input);
}
