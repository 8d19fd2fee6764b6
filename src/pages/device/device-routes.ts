import { fromNodeHeaders } from "better-auth/node";
import { type Request, type Response, Router, urlencoded } from "express";
import { MAX_USER_CODE_FAILURES, recordUserCodeFailure, userCodeFailures } from "../../agents/approvals/approval-code-failures.js";
import { normalizeUserCode, userCodeMatches } from "../../agents/approvals/user-code.js";
import { codeLookupsExhausted, recordCodeLookupFailure } from "../../agents/approvals/user-code-lookups.js";
import { pinOrganization } from "../../agents/plugin/organization-pin.js";
import { hasPasskey } from "../../auth/user-passkeys.js";
import type { AgentPageDependencies } from "../agent-page-dependencies.js";
import { connectedAgents } from "../agents/connected-agents.js";
import { PASSKEY_SCRIPTS } from "../assets/asset-routes.js";
import { sendPage } from "../layout.js";
import { limitsFromForm, limitsView, storeWithoutChoice, writeApprovalLimits } from "../limits-context.js";
import { type PageUser, pageUser } from "../page-session.js";
import { passkeyAssertionField, passkeyRefusalText } from "../passkey-approval-field.js";
import { type PluginRefusal, pluginRefusal } from "../plugin-refusal.js";
import { signInForm } from "../sign-in.js";
import { type CarriedForm, carriedFromForm, carriedFromQuery, carryParams } from "./carried-form.js";
import { approvalForm, codeEntryForm, type Decision, decisionResult, outcome } from "./device-views.js";
import { agentForUserCode, findPendingApproval } from "./pending-approval.js";

const TITLE = "Approve an agent";
const RESULT_TITLE = "Your decision";

export interface DevicePageOptions extends AgentPageDependencies {
  /** Where the page is served (AGENT_DEVICE_AUTH_PAGE when it is a path). */
  readonly path: string;
}

/**
 * The device authorization page the plugin sends agents' users to
 * (`verification_uri[_complete]`): sign in, enter or confirm the code, see
 * the agent and each capability it asks for, pick the store, approve a
 * subset or deny. Plain HTML forms; the approval itself is the plugin's
 * endpoint, so the approval policy hooks apply here too. Capabilities that
 * need a passkey are confirmed by passkeys.js, which adds the assertion.
 */
export function deviceAuthorizationRoutes({ auth, db, csrf, authStateChanges, path }: DevicePageOptions): Router {
  const router = Router();
  const resultPath = `${path.replace(/\/$/, "")}/result`;
  const resultLocation = (agentId: string, decision: Decision) =>
    `${resultPath}?${new URLSearchParams({ agent: agentId, decision }).toString()}`;

  // Where a decision redirects (303): reading it again changes nothing. Only the viewer's own agents are shown.
  router.get(resultPath, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, RESULT_TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const agentId = typeof req.query.agent === "string" && req.query.agent.length <= 128 ? req.query.agent : "";
      const decision = req.query.decision === "approved" || req.query.decision === "denied" ? req.query.decision : undefined;
      const agent = agentId ? (await connectedAgents(db, user, agentId)).agents.find((item) => item.id === agentId) : undefined;
      if (!agent) return sendPage(res, RESULT_TITLE, outcome("There is no decision of yours about this agent to show.", "error"), 404);
      sendPage(res, RESULT_TITLE, decisionResult(agent, decision));
    } catch (error) {
      next(error);
    }
  });

  router.get(path, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const agentId = typeof req.query.agent_id === "string" && req.query.agent_id.length <= 128 ? req.query.agent_id : undefined;
      const code = typeof req.query.code === "string" ? normalizeUserCode(req.query.code) : "";
      if (agentId && (await userCodeFailures(db, agentId)) >= MAX_USER_CODE_FAILURES) return sendPage(res, TITLE, closedRequest(), 403);
      if (!code) return sendPage(res, TITLE, codeEntryForm(path, { agentId, message: retryMessage(req.query.retry) }));
      // Nothing about an agent is shown until its code matches, and every wrong code counts, once:
      // the answer is a redirect to a page without the code, so reloading it costs no try.
      if (agentId) {
        if (!(await userCodeMatches(db, agentId, code))) {
          await recordUserCodeFailure(db, agentId);
          return res.redirect(303, `${path}?${new URLSearchParams({ agent_id: agentId, retry: "code" }).toString()}`);
        }
        return showApproval(req, res, user, agentId, code, { carried: carriedFromQuery(csrf, agentId, req.query) });
      }
      if (await codeLookupsExhausted(db, user.id)) {
        return sendPage(res, TITLE, outcome("Too many wrong codes. Wait 15 minutes, or open the link your agent printed.", "error"), 429);
      }
      const found = await agentForUserCode(db, code);
      if (!found) {
        await recordCodeLookupFailure(db, user.id);
        return res.redirect(303, `${path}?retry=lookup`);
      }
      await showApproval(req, res, user, found, code);
    } catch (error) {
      next(error);
    }
  });

  router.post(path, urlencoded({ extended: false, limit: "16kb" }), async (req, res, next) => {
    try {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const agentId = typeof form.agent_id === "string" ? form.agent_id : "";
      const code = typeof form.code === "string" ? normalizeUserCode(form.code) : "";
      if (!csrf.verify(req))
        return sendPage(
          res,
          TITLE,
          outcome("The form expired or came from another site. Open the link from your agent again.", "error"),
          403,
        );
      const user = await pageUser(auth, db, req);
      if (!agentId)
        return sendPage(
          res,
          TITLE,
          codeEntryForm(path, { message: "The request is missing its agent. Open the link from your agent again." }),
          400,
        );
      const carried = carriedFromForm(form);
      if (!user)
        return sendPage(
          res,
          TITLE,
          signInForm(csrf.token(req, res), approvalLocation(agentId, code, carried), "Sign in to continue."),
          401,
        );

      if (form.decision === "deny") {
        await auth.api.approveCapability({
          body: { agent_id: agentId, action: "deny", user_code: code },
          headers: fromNodeHeaders(req.headers),
        });
        return res.redirect(303, resultLocation(agentId, "denied"));
      }
      const chosen = ([] as unknown[]).concat(form.capabilities ?? []).filter((item): item is string => typeof item === "string");
      if (chosen.length === 0)
        return showApproval(req, res, user, agentId, code, { message: "Select at least one capability, or deny.", status: 400, carried });
      const store = user.stores.find((item) => item.organizationId === form.organization_id);
      if (!store) return showApproval(req, res, user, agentId, code, { message: "Choose one of your stores.", status: 400, carried });

      const limits = await limitsFromForm(db, form, { agentId, organizationId: store.organizationId });
      if ("errors" in limits)
        return showApproval(req, res, user, agentId, code, {
          message: `Nothing was approved. ${limits.errors.join(" ")}`,
          status: 400,
          carried,
        });

      const undoPin = await pinOrganization(db, agentId, store.organizationId);
      // Limits only with the request's proof (its code); without it the approval below is refused anyway.
      const proven = await userCodeMatches(db, agentId, code);
      const undoLimits = proven
        ? await writeApprovalLimits(db, authStateChanges, limits.limits, {
            agentId,
            organizationId: store.organizationId,
            userId: user.id,
          })
        : async () => {};
      try {
        await auth.api.approveCapability({
          body: { agent_id: agentId, action: "approve", user_code: code, capabilities: chosen, ...passkeyAssertionField(form) },
          headers: fromNodeHeaders(req.headers),
        });
      } catch (error) {
        await undoLimits();
        await undoPin();
        throw error;
      }
      res.redirect(303, resultLocation(agentId, "approved"));
    } catch (error) {
      const refusal = pluginRefusal(error);
      if (!refusal) return next(error);
      await explainRefusal(req, res, refusal).catch(next);
    }
  });

  /** `?agent_id&code`, with the merchant's choices sealed in when they must survive a sign-in. */
  function approvalLocation(agentId: string, code: string, carried?: CarriedForm): string {
    const query = new URLSearchParams({ agent_id: agentId, code, ...(carried ? carryParams(csrf, agentId, carried) : {}) });
    return `${path}?${query.toString()}`;
  }

  async function showApproval(
    req: Request,
    res: Response,
    user: PageUser,
    agentId: string,
    code: string,
    { message, status = 200, carried }: { message?: string; status?: number; carried?: CarriedForm | undefined } = {},
  ): Promise<void> {
    if (user.stores.length === 0)
      return sendPage(res, TITLE, outcome("You are not a member of any store, so you cannot approve agents.", "error"), 403);
    if ((await userCodeFailures(db, agentId)) >= MAX_USER_CODE_FAILURES) {
      return sendPage(res, TITLE, closedRequest(), 403);
    }
    // Every way here (a refused form too) shows the agent only with its code; a wrong one counts, as on GET.
    if (!(await userCodeMatches(db, agentId, code))) {
      await recordUserCodeFailure(db, agentId);
      return sendPage(res, TITLE, codeEntryForm(path, { agentId, message: retryMessage("code") }), 403);
    }
    const approval = await findPendingApproval(db, agentId);
    if (!approval)
      return sendPage(res, TITLE, outcome("This request is no longer pending: it was approved, denied or has expired.", "error"), 404);
    const limits = await limitsView(db, agentId, storeWithoutChoice(user, approval.pinnedOrganizationId));
    const form = approvalForm({
      action: path,
      csrfToken: csrf.token(req, res),
      code,
      approval,
      user,
      hasPasskey: await hasPasskey(db, user.id),
      limits,
      message: message ?? (carried ? "Your choices are as you left them: check them, then approve or deny." : undefined),
      carried,
    });
    sendPage(res, TITLE, form, status, { scripts: PASSKEY_SCRIPTS });
  }

  async function explainRefusal(req: Request, res: Response, refusal: PluginRefusal): Promise<void> {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const agentId = typeof form.agent_id === "string" ? form.agent_id : "";
    const code = normalizeUserCode(typeof form.code === "string" ? form.code : "");
    const carried = carriedFromForm(form);
    const user = await pageUser(auth, db, req);
    if (refusal.error === "fresh_session_required" || !user) {
      return sendPage(
        res,
        TITLE,
        signInForm(
          csrf.token(req, res),
          approvalLocation(agentId, code, carried),
          "For your safety, sign in again to confirm (approvals need a sign-in from the last 5 minutes). Your choices are kept.",
        ),
        403,
      );
    }
    if (refusal.error === "invalid_user_code") {
      // Already counted (the approval policy's hooks); the page offers to correct it, nothing about the agent.
      const left = MAX_USER_CODE_FAILURES - (await userCodeFailures(db, agentId));
      if (left <= 0) return sendPage(res, TITLE, closedRequest(), 403);
      const message = `That code does not match this request: nothing was decided. ${left} ${left === 1 ? "try" : "tries"} left.`;
      return sendPage(res, TITLE, codeEntryForm(path, { agentId, message }), 403);
    }
    if (refusal.error === "admin_approval_requires_admin")
      return showApproval(req, res, user, agentId, code, { message: refusal.message, status: 403, carried });
    const passkeyText = passkeyRefusalText(refusal);
    if (passkeyText) return showApproval(req, res, user, agentId, code, { message: passkeyText, status: 403, carried });
    // A form sent again after the decision (back button): say so plainly, not in the plugin's words.
    if (agentId && !(await findPendingApproval(db, agentId)))
      return sendPage(
        res,
        TITLE,
        outcome("This request is no longer pending: it was already approved, denied or has expired.", "error"),
        refusal.status,
      );
    sendPage(res, TITLE, outcome(refusal.message, "error"), refusal.status);
  }

  return router;
}

/** The sentence for a `retry` redirect: a fixed code, never text from the link. */
function retryMessage(retry: unknown): string | undefined {
  if (retry === "code")
    return "That code does not match the request in your link. Type the code your agent shows; nothing about the request is shown until it matches.";
  if (retry === "lookup") return "No pending request has this code. Check it and try again.";
  return undefined;
}

function closedRequest() {
  return outcome("This request was closed after too many wrong codes. Ask the agent to connect again.", "error");
}
