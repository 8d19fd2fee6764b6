import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";

/** A synchronous "something changed" broadcast inside one process. */
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Endpoints that only read; everything else under these prefixes may change a caller's access. */
const READ_ONLY = /\/(list|get|verify|status|session|get-full-organization|get-active-member|has-permission|check-slug)$/;

/**
 * After any mutating Agent Auth, organization or API-key endpoint (agent
 * revoked or approved, member removed, key deleted or disabled…), called
 * over HTTP or as `auth.api.*` by our pages, tells this process's principal
 * caches (agents and API keys) before the response leaves, so the change
 * counts on the very next request here. Other processes learn it from the
 * database's NOTIFY a moment later (docs/SECURITY.md, "State: where it lives").
 */
export function authStateSignal(signal: ChangeSignal): BetterAuthPlugin {
  return {
    id: "commerce-auth-state-signal",
    hooks: {
      after: [
        {
          matcher: (ctx) =>
            typeof ctx.path === "string" && /^\/(agent|host|organization|api-key)\//.test(ctx.path) && !READ_ONLY.test(ctx.path),
          handler: createAuthMiddleware(async () => {
            signal.emit();
          }),
        },
      ],
    },
  };
}
