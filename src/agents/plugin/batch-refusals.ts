import { createAuthMiddleware } from "better-auth/api";
import { protocolProblemOf } from "./protocol-problem.js";

/** The plugin's batch route, relative to Better Auth's base path. */
export const BATCH_EXECUTE_PATH = "/capability/batch-execute";

/**
 * A refusal as `capability/execute` answers it: the problem+json body (with
 * the protocol's `error` and `message` beside `code` and `detail`) and its
 * HTTP status.
 */
export interface ExecuteRefusal {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>> & { readonly error: string; readonly message: string };
}

/**
 * Statuses of the refusals the plugin makes itself for a batch item, before
 * our onExecute runs: the ones its single execute answers with.
 */
const PLUGIN_ITEM_STATUS: Readonly<Record<string, number>> = {
  capability_not_found: 404,
  capability_not_granted: 403,
  constraint_violated: 403,
  batch_unsupported_result_type: 400,
};

/**
 * Refusals of the batch call under way, by the call's auth context: the
 * plugin hands that same object to onExecute (as `ctx.context`) and to the
 * after hooks, so each batch call has its own list.
 */
const refusalsByCall = new WeakMap<object, ExecuteRefusal[]>();

/** Called by onExecute for a batch item it refuses, so the after hook can put the refusal back on the item. */
export function rememberBatchRefusal(callContext: object, refusal: ExecuteRefusal): void {
  const refusals = refusalsByCall.get(callContext);
  if (refusals) refusals.push(refusal);
  else refusalsByCall.set(callContext, [refusal]);
}

interface BatchItem {
  id: string;
  status: string;
  error?: { code?: unknown; message?: unknown } & Record<string, unknown>;
}

/**
 * After-hook for `capability/batch-execute`. The plugin reduces an error
 * thrown by onExecute to `{ code: body.error, message }` and drops its
 * status; single execute passes the error through whole. This puts the whole
 * refusal back on each failed item: `error` is the problem+json body the
 * single execute would answer with, HTTP `status` included; the plugin's own
 * refusals become the same kind of problem, with the status its single
 * execute gives them.
 *
 * @example
 * // { id: "1", status: "failed", error: { code: "cart_not_open", error: "cart_not_open", status: 409, message, type, title, detail } }
 */
export const batchRefusalStatuses = {
  matcher: (ctx: { path?: string }) => ctx.path === BATCH_EXECUTE_PATH,
  handler: createAuthMiddleware(async (ctx) => {
    const returned: unknown = ctx.context.returned;
    const refusals = [...(refusalsByCall.get(ctx.context) ?? [])];
    refusalsByCall.delete(ctx.context);
    if (!returned || typeof returned !== "object" || !Array.isArray((returned as { responses?: unknown }).responses)) return;
    const responses = (returned as { responses: BatchItem[] }).responses.map((item) => {
      if (item.status !== "failed" || !item.error) return item;
      const { code, message } = item.error;
      const index = refusals.findIndex((refusal) => refusal.body.error === code && refusal.body.message === message);
      if (index >= 0) return { ...item, error: { ...refusals.splice(index, 1)[0]!.body } };
      const status = typeof code === "string" ? (PLUGIN_ITEM_STATUS[code] ?? 500) : 500;
      return { ...item, error: protocolProblemOf(status, { ...item.error, error: typeof code === "string" ? code : undefined }) };
    });
    return ctx.json({ ...(returned as Record<string, unknown>), responses });
  }),
};
