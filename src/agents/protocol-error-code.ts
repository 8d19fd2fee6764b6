import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { isAgentAuthPath } from "./truthful-status.js";

/**
 * The protocol's `error` for a Better Auth error code: snake_case, as the
 * plugin's own codes are (`VALIDATION_ERROR` → `validation_error`,
 * `agentNotFound` → `agent_not_found`).
 *
 * @example protocolErrorOf("VALIDATION_ERROR") // "validation_error"
 */
export function protocolErrorOf(code: string): string {
  const snake = code
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
  return snake === "" ? "unknown_error" : snake;
}

/**
 * After-hook for Agent Auth routes: Better Auth's own refusals there (a body
 * that fails the route's schema: `{ code: "VALIDATION_ERROR", message }`)
 * carry no `error`, so protocol clients printed `[unknown_error]`. This adds
 * `error` (the snake_case of `code`) and keeps the rest, status and headers.
 */
export const protocolErrorCode = {
  matcher: (ctx: { path?: string }) => isAgentAuthPath(ctx.path),
  handler: createAuthMiddleware(async (ctx) => {
    const returned: unknown = ctx.context.returned;
    // isAPIError: validation errors are better-call's APIError, not better-auth's subclass.
    if (!isAPIError(returned)) return;
    const body: unknown = returned.body;
    if (!body || typeof body !== "object") return;
    const { error, code, message } = body as { error?: unknown; code?: unknown; message?: unknown };
    if (typeof error === "string" || typeof code !== "string") return;
    const withError = { ...(body as Record<string, unknown>), error: protocolErrorOf(code), message: typeof message === "string" && message !== "" ? message : code };
    throw new APIError(returned.status, withError, returned.headers, returned.statusCode);
  }),
};
