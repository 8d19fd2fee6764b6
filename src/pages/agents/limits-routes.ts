import { fromNodeHeaders } from "better-auth/node";
import type { Request, Response } from "express";
import type { Kysely } from "kysely";
import { authorityOverAgentLimits } from "../../agents/limits/limits-authority.js";
import { loosens } from "../../agents/limits/loosening.js";
import { setAgentLimits } from "../../agents/limits/set-agent-limits.js";
// Approvals need a sign-in this recent (the plugin's freshSessionWindow); so does loosening limits.
import { FRESH_SESSION_SECONDS } from "../../agents/plugin/guards/grant-guard.js";
import { isFreshSession } from "../../agents/plugin/guards/store-access.js";
import { pinOrganization } from "../../agents/plugin/organization-pin.js";
import type { ChangeSignal } from "../../auth/auth-state-signal.js";
import type { Auth } from "../../auth/create-auth.js";
import { CONNECTED_AGENTS_PATH } from "../../config/page-paths.js";
import type { Database } from "../../db/schema.js";
import { tenantOf } from "../../db/tenant.js";
import { TenantScope } from "../../db/tenant-scope.js";
import { NO_LIMITS, readAgentLimits } from "../../services/agent-limits/agent-limits.js";
import type { CsrfGuard } from "../csrf.js";
import { sendPage } from "../layout.js";
import { limitsFromForm } from "../limits-context.js";
import { noticeLocation } from "../page-notice.js";
import { type PageUser, pageUser } from "../page-session.js";
import { signInForm } from "../sign-in.js";

type Message = { readonly text: string; readonly kind: "ok" | "error" };
type ShowAgents = (req: Request, res: Response, user: PageUser, message?: Message, status?: number) => Promise<void>;

/**
 * POST /agents/limits: the merchant changes an agent's limits after its
 * approval. Who may: see limits-authority.ts (the agent's own user or an
 * owner/admin of its store, a member of that store either way). Tightening
 * needs a session, like revoking; loosening (a limit removed or raised, a
 * later expiry) needs a sign-in from the last 5 minutes, like approving.
 */
export function agentLimitsHandler(
  { auth, db, csrf, authStateChanges }: { auth: Auth; db: Kysely<Database>; csrf: CsrfGuard; authStateChanges: ChangeSignal },
  showAgents: ShowAgents,
) {
  return async (req: Request, res: Response): Promise<void> => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const user = await pageUser(auth, db, req);
    if (!user)
      return sendPage(res, "Connected agents", signInForm(csrf.token(req, res), CONNECTED_AGENTS_PATH, "Sign in to continue."), 401);
    if (!csrf.verify(req))
      return showAgents(req, res, user, error("The form expired or came from another site. Nothing was changed; try again."), 403);
    const agentId = typeof form.agent_id === "string" ? form.agent_id : "";
    const authority = agentId
      ? await authorityOverAgentLimits(db, user.id, agentId)
      : ({ allowed: false, status: 404, reason: "The form names no agent." } as const);
    if (!authority.allowed) return showAgents(req, res, user, error(`Nothing was changed. ${authority.reason}`), authority.status);

    const parsed = await limitsFromForm(db, form, { agentId, organizationId: authority.organizationId });
    if ("errors" in parsed) return showAgents(req, res, user, error(`Nothing was changed. ${parsed.errors.join(" ")}`), 400);
    if (!parsed.limits) return showAgents(req, res, user, error("The form is missing the limits. Reload the page and try again."), 400);

    const previous = (await readAgentLimits(new TenantScope(db, tenantOf(authority.organizationId)), agentId)) ?? NO_LIMITS;
    if (loosens(previous, parsed.limits)) {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers), query: { disableCookieCache: true } });
      if (!session || !isFreshSession(session, FRESH_SESSION_SECONDS)) {
        const message =
          "Loosening an agent's limits gives it more, like an approval: sign in again to confirm (a sign-in from the last 5 minutes). Nothing was changed.";
        return sendPage(res, "Connected agents", signInForm(csrf.token(req, res), CONNECTED_AGENTS_PATH, message), 403);
      }
    }
    // The limits hold in the store the agent's calls resolve to; pin it so they cannot drift to another.
    await pinOrganization(db, agentId, authority.organizationId);
    await setAgentLimits(db, authStateChanges, {
      organizationId: authority.organizationId,
      agentId,
      limits: parsed.limits,
      userId: user.id,
    });
    res.redirect(303, noticeLocation(CONNECTED_AGENTS_PATH, "limits-set", agentId));
  };
}

function error(text: string): Message {
  return { text, kind: "error" };
}
