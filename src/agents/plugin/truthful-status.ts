import { APIError, createAuthMiddleware } from "better-auth/api";

/**
 * Statuses for plugin answers that better-auth 1.7 sends as HTTP 200 although
 * they are refusals (the plugin sets them through `ctx.json(body, { status })`,
 * which this better-auth drops). Any other `{ error }` body is a bad request.
 */
const STATUS_OF_ERROR: Readonly<Record<string, number>> = {
  fresh_session_required: 403,
  webauthn_required: 403,
  webauthn_not_enrolled: 403,
};

/** Agent Auth routes (register, approve, capability list/execute, host management). */
export function isAgentAuthPath(path: string | undefined): boolean {
  return path !== undefined && /^\/(agent|capability|host)\//.test(path);
}

/**
 * After-hook that turns a 200 carrying `{ error: "..." }` into an error
 * response with a truthful status, so clients can trust the status line.
 */
export const truthfulAgentStatus = {
  matcher: (ctx: { path?: string }) => isAgentAuthPath(ctx.path),
  handler: createAuthMiddleware(async (ctx) => {
    const returned: unknown = ctx.context.returned;
    if (!returned || typeof returned !== "object" || returned instanceof Response || returned instanceof APIError) return;
    const error = (returned as { error?: unknown }).error;
    if (typeof error !== "string") return;
    const status = STATUS_OF_ERROR[error] ?? 400;
    throw new APIError(status === 403 ? "FORBIDDEN" : "BAD_REQUEST", returned as Record<string, unknown>);
  }),
};
