import { fromNodeHeaders } from "better-auth/node";
import { type Request, type Response, Router, urlencoded } from "express";
import { pinOrganization } from "../../agents/plugin/organization-pin.js";
import { hasPasskey } from "../../auth/user-passkeys.js";
import { APPROVALS_INBOX_PATH } from "../../config/page-paths.js";
import type { AgentPageDependencies } from "../agent-page-dependencies.js";
import { type ConnectedAgent, connectedAgents, noticeMessage } from "../agents/connected-agents.js";
import { PASSKEY_SCRIPTS } from "../assets/asset-routes.js";
import { type CarriedForm, carriedFromForm, carriedFromQuery, carryParams } from "../device/carried-form.js";
import { sendPage } from "../layout.js";
import { limitsFromForm, limitsView, storeWithoutChoice, writeApprovalLimits } from "../limits-context.js";
import { noticeLocation, readNotice } from "../page-notice.js";
import { type PageUser, pageUser } from "../page-session.js";
import { passkeyAssertionField, passkeyRefusalText } from "../passkey-approval-field.js";
import { pluginRefusal } from "../plugin-refusal.js";
import { signInForm } from "../sign-in.js";
import { inboxPage } from "./inbox-views.js";
import { pendingCibaRequests } from "./pending-ciba.js";

const TITLE = "Approval requests";

type Message = { readonly text: string; readonly kind: "ok" | "error" };

/**
 * The approvals inbox: CIBA requests (the agent asked the server to reach
 * its user, who has no code to type) addressed to the signed-in user. The
 * decision goes through the plugin's `approve-capability` with the user's
 * session, so the plugin's checks and our approval policy hooks apply.
 */
export function approvalsInboxRoutes({ auth, db, csrf, authStateChanges }: AgentPageDependencies): Router {
  const router = Router();

  router.get(APPROVALS_INBOX_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const message = await noticeMessage(req, db, user.id);
      // After a decision (303 here), what the agent can use now and what it was denied; own agents only.
      const notice = readNotice(req);
      const decided =
        notice?.agentId && (notice.code === "approved" || notice.code === "denied")
          ? (await connectedAgents(db, user, notice.agentId)).agents.find((agent) => agent.id === notice.agentId)
          : undefined;
      const approval = typeof req.query.approval === "string" ? req.query.approval : undefined;
      const carried = approval ? carriedFromQuery(csrf, `ciba:${approval}`, req.query) : undefined;
      await showInbox(req, res, user, message, 200, decided, approval && carried ? { approvalId: approval, form: carried } : undefined);
    } catch (error) {
      next(error);
    }
  });

  router.post(APPROVALS_INBOX_PATH, urlencoded({ extended: false, limit: "16kb" }), async (req, res, next) => {
    try {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const user = await pageUser(auth, db, req);
      if (!csrf.verify(req)) {
        if (!user)
          return sendPage(
            res,
            TITLE,
            signInForm(csrf.token(req, res), APPROVALS_INBOX_PATH, "The form expired. Sign in to continue."),
            403,
          );
        return showInbox(req, res, user, error("The form expired or came from another site. Nothing was changed; try again."), 403);
      }
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), APPROVALS_INBOX_PATH, "Sign in to continue."), 401);

      const approvalId = typeof form.approval_id === "string" ? form.approval_id : "";
      const [request] = approvalId ? await pendingCibaRequests(db, user.id, approvalId) : [];
      if (!request)
        return showInbox(
          req,
          res,
          user,
          error("That request is no longer waiting for you: it was decided, expired, or was not sent to you."),
          404,
        );
      const headers = fromNodeHeaders(req.headers);

      if (form.decision === "deny") {
        await auth.api.approveCapability({ body: { approval_id: request.approvalId, action: "deny" }, headers });
        return res.redirect(303, noticeLocation(APPROVALS_INBOX_PATH, "denied", request.agentId));
      }
      const chosen = ([] as unknown[]).concat(form.capabilities ?? []).filter((item): item is string => typeof item === "string");
      if (chosen.length === 0 && request.requested.length > 0)
        return showInbox(req, res, user, error("Select at least one capability, or deny."), 400);
      // An agent already pinned to one of the user's stores keeps it (the form shows no choice then).
      const store =
        user.stores.find((item) => item.organizationId === request.pinnedOrganizationId) ??
        user.stores.find((item) => item.organizationId === form.organization_id);
      if (!store) return showInbox(req, res, user, error("Choose one of your stores."), 400);

      const limits = await limitsFromForm(db, form, { agentId: request.agentId, organizationId: store.organizationId });
      if ("errors" in limits) return showInbox(req, res, user, error(`Nothing was approved. ${limits.errors.join(" ")}`), 400);

      const undoPin = await pinOrganization(db, request.agentId, store.organizationId);
      // The request is addressed to this user (pendingCibaRequests above): the proof an approval needs.
      const undoLimits = await writeApprovalLimits(db, authStateChanges, limits.limits, {
        agentId: request.agentId,
        organizationId: store.organizationId,
        userId: user.id,
      });
      try {
        await auth.api.approveCapability({
          body: {
            approval_id: request.approvalId,
            action: "approve",
            ...(chosen.length > 0 ? { capabilities: chosen } : {}),
            ...passkeyAssertionField(form),
          },
          headers,
        });
      } catch (failure) {
        await undoLimits();
        await undoPin();
        throw failure;
      }
      res.redirect(303, noticeLocation(APPROVALS_INBOX_PATH, "approved", request.agentId));
    } catch (failure) {
      const refusal = pluginRefusal(failure);
      if (!refusal) return next(failure);
      try {
        const user = await pageUser(auth, db, req);
        if (refusal.error === "fresh_session_required" || !user) {
          // The merchant's choices come back with them (sealed), so signing in again never re-ticks anything.
          const form = (req.body ?? {}) as Record<string, unknown>;
          const approvalId = typeof form.approval_id === "string" ? form.approval_id.slice(0, 128) : "";
          const returnTo = approvalId
            ? `${APPROVALS_INBOX_PATH}?${new URLSearchParams({ approval: approvalId, ...carryParams(csrf, `ciba:${approvalId}`, carriedFromForm(form)) }).toString()}`
            : APPROVALS_INBOX_PATH;
          return sendPage(
            res,
            TITLE,
            signInForm(
              csrf.token(req, res),
              returnTo,
              "For your safety, sign in again to confirm (approvals need a sign-in from the last 5 minutes). Your choices are kept.",
            ),
            403,
          );
        }
        await showInbox(req, res, user, error(passkeyRefusalText(refusal) ?? refusal.message), refusal.status);
      } catch (secondFailure) {
        next(secondFailure);
      }
    }
  });

  async function showInbox(
    req: Request,
    res: Response,
    user: PageUser,
    message?: Message,
    status = 200,
    decided?: ConnectedAgent,
    carried?: { readonly approvalId: string; readonly form: CarriedForm },
  ): Promise<void> {
    const requests = await pendingCibaRequests(db, user.id);
    const limits = new Map(
      await Promise.all(
        requests.map(
          async (request) =>
            [request.approvalId, await limitsView(db, request.agentId, storeWithoutChoice(user, request.pinnedOrganizationId))] as const,
        ),
      ),
    );
    const page = inboxPage({
      user,
      requests,
      limits,
      csrfToken: csrf.token(req, res),
      hasPasskey: await hasPasskey(db, user.id),
      ...(message ? { message } : {}),
      ...(decided ? { decided } : {}),
      ...(carried ? { carried } : {}),
    });
    sendPage(res, TITLE, page, status, { scripts: PASSKEY_SCRIPTS });
  }

  return router;
}

function error(text: string): Message {
  return { text, kind: "error" };
}
