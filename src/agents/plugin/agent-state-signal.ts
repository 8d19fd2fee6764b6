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

/** Endpoints that only read; everything else under these prefixes may change an agent's access. */
const READ_ONLY = /\/(list|get|status|session|get-full-organization|get-active-member|has-permission|check-slug)$/;

/**
 * After any mutating Agent Auth or organization endpoint (revoke, approve,
 * update, member removed…), tells this process's agent caches before the
 * response leaves, so the change counts on the very next request here.
 * Other processes learn it from the database's NOTIFY a moment later.
 */
export function agentStateSignal(signal: ChangeSignal): BetterAuthPlugin {
  return {
    id: "commerce-agent-state-signal",
    hooks: {
      after: [
        {
          matcher: (ctx) => typeof ctx.path === "string" && /^\/(agent|host|organization)\//.test(ctx.path) && !READ_ONLY.test(ctx.path),
          handler: createAuthMiddleware(async () => {
            signal.emit();
          }),
        },
      ],
    },
  };
}
