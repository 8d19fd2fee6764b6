import { fromNodeHeaders } from "better-auth/node";
import { type Request, type Response, Router, urlencoded } from "express";
import { CONNECTED_AGENTS_PATH } from "../../config/page-paths.js";
import type { AgentPageDependencies } from "../agent-page-dependencies.js";
import { pendingCibaRequests } from "../approvals/pending-ciba.js";
import { html } from "../html.js";
import { alertBox, sendPage } from "../layout.js";
import { limitsView } from "../limits-context.js";
import { noticeLocation } from "../page-notice.js";
import { type PageUser, pageUser } from "../page-session.js";
import { pluginRefusal } from "../plugin-refusal.js";
import { signInForm } from "../sign-in.js";
import {
  AGENT_LIMITS_PATH,
  agentsPage,
  REVOKE_AGENT_PATH,
  REVOKE_CAPABILITY_PATH,
  revokeAgentConfirmation,
  revokeCapabilityConfirmation,
} from "./agents-views.js";
import { type ConnectedAgent, connectedAgents, noticeMessage } from "./connected-agents.js";
import { agentLimitsHandler } from "./limits-routes.js";

const TITLE = "Connected agents";
const REVOKE_TITLE = "Revoke";

type Message = { readonly text: string; readonly kind: "ok" | "error" };

/**
 * The connected agents page and its two revocations. Revoking takes two
 * steps without any script: the button on /agents is a GET to a confirmation
 * page (which changes nothing), whose form POSTs with `confirm=yes`; a POST
 * without it only redirects to that page. The revocation goes through the
 * plugin's endpoints with the user's session, so the plugin's ownership
 * rule decides (the agent's user or its host's user); the plugin reads
 * grants on every agent request, so a revocation holds from the next call.
 */
export function connectedAgentsRoutes({ auth, db, csrf, authStateChanges }: AgentPageDependencies): Router {
  const router = Router();
  const forms = urlencoded({ extended: false, limit: "8kb" });

  router.get(CONNECTED_AGENTS_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const message = await noticeMessage(req, db, user.id);
      await showAgents(req, res, user, message);
    } catch (error) {
      next(error);
    }
  });

  router.get(REVOKE_AGENT_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, REVOKE_TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const agent = await ownLiveAgent(user, req.query.agent_id);
      if (!agent) return notFound(res, "No agent of yours has this id, or it is already revoked.");
      sendPage(res, "Revoke an agent", revokeAgentConfirmation(agent, csrf.token(req, res)));
    } catch (error) {
      next(error);
    }
  });

  router.get(REVOKE_CAPABILITY_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, REVOKE_TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const agent = await ownLiveAgent(user, req.query.agent_id);
      const capability = agent?.grants.find((grant) => grant.name === req.query.capability);
      if (!agent || !capability) return notFound(res, "No agent of yours holds this capability now.");
      sendPage(res, "Revoke a capability", revokeCapabilityConfirmation(agent, capability, csrf.token(req, res)));
    } catch (error) {
      next(error);
    }
  });

  router.post(REVOKE_AGENT_PATH, forms, (req, res, next) =>
    revoke(req, res, async (agentId, headers) => {
      await auth.api.revokeAgent({ body: { agent_id: agentId }, headers });
      return noticeLocation(CONNECTED_AGENTS_PATH, "agent-revoked", agentId);
    }).catch(next),
  );

  router.post(REVOKE_CAPABILITY_PATH, forms, (req, res, next) =>
    revoke(req, res, async (agentId, headers, form) => {
      const capability = typeof form.capability === "string" ? form.capability : "";
      if (!capability) return null;
      await auth.api.revokeCapability({ body: { agent_id: agentId, capabilities: [capability] }, headers });
      return noticeLocation(CONNECTED_AGENTS_PATH, "capability-revoked", agentId, capability);
    }).catch(next),
  );

  router.post(AGENT_LIMITS_PATH, forms, (req, res, next) =>
    agentLimitsHandler({ auth, db, csrf, authStateChanges }, showAgents)(req, res).catch(next),
  );

  /** The shared shape of both forms: CSRF, sign-in, the plugin call, then 303 back with a notice (or the page with the refusal). */
  async function revoke(
    req: Request,
    res: Response,
    act: (agentId: string, headers: Headers, form: Record<string, unknown>) => Promise<string | null>,
  ): Promise<void> {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const user = await pageUser(auth, db, req);
    if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), CONNECTED_AGENTS_PATH, "Sign in to continue."), 401);
    if (!csrf.verify(req))
      return showAgents(req, res, user, error("The form expired or came from another site. Nothing was revoked; try again."), 403);
    const agentId = typeof form.agent_id === "string" ? form.agent_id : "";
    if (agentId && form.confirm !== "yes") {
      // A one-click POST (an old copy of /agents, a form elsewhere): nothing is revoked; ask first.
      const query = new URLSearchParams({ agent_id: agentId });
      if (typeof form.capability === "string" && form.capability) query.set("capability", form.capability);
      return res.redirect(303, `${req.path}?${query.toString()}`);
    }
    try {
      const location = agentId ? await act(agentId, fromNodeHeaders(req.headers), form) : null;
      if (!location) return showAgents(req, res, user, error("The form is missing what to revoke. Reload the page and try again."), 400);
      res.redirect(303, location);
    } catch (failure) {
      const refusal = pluginRefusal(failure);
      if (!refusal) throw failure;
      await showAgents(
        req,
        res,
        user,
        error(refusal.status === 403 ? "You cannot revoke that agent: it is not yours, or it is already revoked." : refusal.message),
        refusal.status,
      );
    }
  }

  /** One of the user's agents (same ownership rule as the list) that can still be revoked; undefined otherwise. */
  async function ownLiveAgent(user: PageUser, agentId: unknown): Promise<ConnectedAgent | undefined> {
    if (typeof agentId !== "string" || agentId.length === 0 || agentId.length > 128) return undefined;
    const { agents } = await connectedAgents(db, user, agentId);
    return agents.find((agent) => agent.id === agentId && !agent.ended);
  }

  function notFound(res: Response, text: string): void {
    sendPage(
      res,
      REVOKE_TITLE,
      html`${alertBox(`${text} Nothing was changed.`)}<p><a href="${CONNECTED_AGENTS_PATH}">Back to your connected agents</a></p>`,
      404,
    );
  }

  async function showAgents(req: Request, res: Response, user: PageUser, message?: Message, status = 200): Promise<void> {
    const [{ agents, hosts }, waiting] = await Promise.all([connectedAgents(db, user), pendingCibaRequests(db, user.id)]);
    const live = agents.filter((agent) => !agent.ended && agent.store.organizationId);
    const limits = new Map(
      await Promise.all(live.map(async (agent) => [agent.id, await limitsView(db, agent.id, agent.store.organizationId)] as const)),
    );
    sendPage(
      res,
      TITLE,
      agentsPage({
        user,
        agents,
        hosts,
        limits,
        waitingApprovals: waiting.length,
        csrfToken: csrf.token(req, res),
        ...(message ? { message } : {}),
      }),
      status,
    );
  }

  return router;
}

function error(text: string): Message {
  return { text, kind: "error" };
}
