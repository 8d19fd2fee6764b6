import { SAFE_METHODS } from "./agent-rules.js";
import type { HttpMethod, OperationModel } from "./operation-model.js";

/** The behaviour hints of an MCP tool (the spec's `ToolAnnotations`), without its title. */
export interface ToolHints {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: boolean;
}

/** Methods HTTP defines as idempotent (RFC 9110 §9.2.2): repeating the request has the effect of one. */
const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(["get", "head", "options", "put", "delete", "trace"]);
/** The header that makes a retry return the first answer instead of acting again (compared case-insensitively). */
const IDEMPOTENCY_KEY = "idempotency-key";

/**
 * An operation's MCP tool hints, every one stated (MCP's defaults for an
 * absent hint assume the worst: destructive, not idempotent, open world):
 *
 * - `readOnlyHint`: a GET, HEAD or OPTIONS (the methods agents are
 *   auto-granted by default, agent-rules.ts);
 * - `destructiveHint`: `x-agent-destructive`, defaulted and checked against
 *   the method and the grant by readAgentRules (false for reads);
 * - `idempotentHint`: the method is idempotent, or the operation requires an
 *   `Idempotency-Key` header (the same arguments, key included, return the
 *   first answer). An optional key does not count: called without one, the
 *   tool acts again;
 * - `openWorldHint`: false, the tools act on this store's data only.
 *
 * @example
 * toolHints(placeOrder); // { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }
 */
export function toolHints(operation: OperationModel): ToolHints {
  const readOnly = SAFE_METHODS.has(operation.method);
  const idempotencyKey = operation.parameters.some(
    (parameter) => parameter.in === "header" && parameter.required && parameter.name.toLowerCase() === IDEMPOTENCY_KEY,
  );
  return {
    readOnlyHint: readOnly,
    destructiveHint: !readOnly && operation.agent.destructive,
    idempotentHint: IDEMPOTENT_METHODS.has(operation.method) || idempotencyKey,
    openWorldHint: false,
  };
}
