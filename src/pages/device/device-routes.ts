import { fromNodeHeaders } from "better-auth/node";
import { type Request, type Response, Router, urlencoded } from "express";
import type { Kysely } from "kysely";
import { MAX_USER_CODE_FAILURES, recordUserCodeFailure, userCodeFailures } from "../../agents/approvals/approval-code-failures.js";
import { normalizeUserCode, userCodeMatches } from "../../agents/approvals/user-code.js";
import { codeLookupsExhausted, recordCodeLookupFailure } from "../../agents/approvals/user-code-lookups.js";
import type { ChangeSignal } from "../../agents/plugin/agent-state-signal.js";
import { pinOrganization } from "../../agents/plugin/organization-pin.js";
import type { Auth } from "../../auth/create-auth.js";
import { hasPasskey } from "../../auth/user-passkeys.js";
import type { Database } from "../../db/schema.js";
import { PASSKEY_SCRIPTS } from "../assets/asset-routes.js";
import type { CsrfGuard } from "../csrf.js";
import { sendPage } from "../layout.js";
import { limitsFromForm, limitsView, storeWithoutChoice, writeApprovalLimits } from "../limits-context.js";
import { type PageUser, pageUser } from "../page-session.js";
import { passkeyAssertionField, passkeyRefusalText } from "../passkey-approval-field.js";
import { type PluginRefusal, pluginRefusal } from "../plugin-refusal.js";
import { signInForm } from "../sign-in.js";
import { approvalForm, codeEntryForm, outcome } from "./device-views.js";
import { agentForUserCode, findPendingApproval } from "./pending-approval.js";

const TITLE = "Approve an agent";

export interface DevicePageOptions {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  readonly csrf: CsrfGuard;
  /** Told when an approval sets the agent's limits, so agent caches forget. */
  readonly agentStateChanges: ChangeSignal;
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
export function deviceAuthorizationRoutes({ auth, db, csrf, agentStateChanges, path }: DevicePageOptions): Router {
  const router = Router();

  router.get(path, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const code = typeof req.query.code === "string" ? normalizeUserCode(req.query.code) : "";
      if (!code) return sendPage(res, TITLE, codeEntryForm(path));
      // Nothing about an agent is shown until its code matches, and every wrong code counts.
      if (typeof req.query.agent_id === "string") {
        const agentId = req.query.agent_id;
        if ((await userCodeFailures(db, agentId)) >= MAX_USER_CODE_FAILURES) return sendPage(res, TITLE, closedRequest(), 403);
        if (!(await userCodeMatches(db, agentId, code))) {
          await recordUserCodeFailure(db, agentId);
          return sendPage(res, TITLE, codeEntryForm(path, "That code does not match a pending request. Check it and try again."), 403);
        }
        return showApproval(req, res, user, agentId, code);
      }
      if (await codeLookupsExhausted(db, user.id)) {
        return sendPage(res, TITLE, outcome("Too many wrong codes. Wait 15 minutes, or open the link your agent printed.", "error"), 429);
      }
      const agentId = await agentForUserCode(db, code);
      if (!agentId) {
        await recordCodeLookupFailure(db, user.id);
        return sendPage(res, TITLE, codeEntryForm(path, "No pending request has this code. Check it and try again."), 404);
      }
      await showApproval(req, res, user, agentId, code);
    } catch (error) {
      next(error);
    }
  });

  router.post(path, urlencoded({ extended: false, limit: "16kb" }), async (req, res, next) => {
    try {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const agentId = typeof form.agent_id === "string" ? form.agent_id : "";
      const code = typeof form.code === "string" ? normalizeUserCode(form.code) : "";
      const returnTo = `${path}?agent_id=${encodeURIComponent(agentId)}&code=${encodeURIComponent(code)}`;
      if (!csrf.verify(req))
        return sendPage(
          res,
          TITLE,
          outcome("The form expired or came from another site. Open the link from your agent again.", "error"),
          403,
        );
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), returnTo, "Sign in to continue."), 401);
      if (!agentId)
        return sendPage(res, TITLE, codeEntryForm(path, "The request is missing its agent. Open the link from your agent again."), 400);

      if (form.decision === "deny") {
        await auth.api.approveCapability({
          body: { agent_id: agentId, action: "deny", user_code: code },
          headers: fromNodeHeaders(req.headers),
        });
        return sendPage(res, TITLE, outcome("Denied. The agent was told and got nothing new.", "ok"));
      }
      const chosen = ([] as unknown[]).concat(form.capabilities ?? []).filter((item): item is string => typeof item === "string");
      if (chosen.length === 0) return showApproval(req, res, user, agentId, code, "Select at least one capability, or deny.", 400);
      const store = user.stores.find((item) => item.organizationId === form.organization_id);
      if (!store) return showApproval(req, res, user, agentId, code, "Choose one of your stores.", 400);

      const limits = await limitsFromForm(db, form, { agentId, organizationId: store.organizationId });
      if ("errors" in limits) return showApproval(req, res, user, agentId, code, `Nothing was approved. ${limits.errors.join(" ")}`, 400);

      const undoPin = await pinOrganization(db, agentId, store.organizationId);
      // Limits only with the request's proof (its code); without it the approval below is refused anyway.
      const proven = await userCodeMatches(db, agentId, code);
      const undoLimits = proven
        ? await writeApprovalLimits(db, agentStateChanges, limits.limits, {
            agentId,
            organizationId: store.organizationId,
            userId: user.id,
          })
        : async () => {};
      try {
        const result = (await auth.api.approveCapability({
          body: { agent_id: agentId, action: "approve", user_code: code, capabilities: chosen, ...passkeyAssertionField(form) },
          headers: fromNodeHeaders(req.headers),
        })) as { added?: string[] };
        const added = result.added ?? chosen;
        return sendPage(res, TITLE, outcome(`Approved for ${store.name}: ${added.join(", ") || "no new capability"}.`, "ok"));
      } catch (error) {
        await undoLimits();
        await undoPin();
        throw error;
      }
    } catch (error) {
      const refusal = pluginRefusal(error);
      if (!refusal) return next(error);
      await explainRefusal(req, res, refusal).catch(next);
    }
  });

  async function showApproval(
    req: Request,
    res: Response,
    user: PageUser,
    agentId: string,
    code: string,
    message?: string,
    status = 200,
  ): Promise<void> {
    if (user.stores.length === 0)
      return sendPage(res, TITLE, outcome("You are not a member of any store, so you cannot approve agents.", "error"), 403);
    if ((await userCodeFailures(db, agentId)) >= MAX_USER_CODE_FAILURES) {
      return sendPage(res, TITLE, closedRequest(), 403);
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
      message,
    });
    sendPage(res, TITLE, form, status, { scripts: PASSKEY_SCRIPTS });
  }

  async function explainRefusal(req: Request, res: Response, refusal: PluginRefusal): Promise<void> {
    const form = (req.body ?? {}) as Record<string, string>;
    const agentId = form.agent_id ?? "";
    const code = normalizeUserCode(form.code ?? "");
    const user = await pageUser(auth, db, req);
    if (refusal.error === "fresh_session_required" || !user) {
      const returnTo = `${path}?agent_id=${encodeURIComponent(agentId)}&code=${encodeURIComponent(code)}`;
      return sendPage(
        res,
        TITLE,
        signInForm(
          csrf.token(req, res),
          returnTo,
          "For your safety, sign in again to confirm (approvals need a sign-in from the last 5 minutes).",
        ),
        403,
      );
    }
    if (refusal.error === "invalid_user_code") {
      const left = MAX_USER_CODE_FAILURES - (await userCodeFailures(db, agentId));
      return showApproval(
        req,
        res,
        user,
        agentId,
        code,
        `That code does not match this request. ${left} ${left === 1 ? "try" : "tries"} left.`,
        403,
      );
    }
    if (refusal.error === "admin_approval_requires_admin") return showApproval(req, res, user, agentId, code, refusal.message, 403);
    const passkeyText = passkeyRefusalText(refusal);
    if (passkeyText) return showApproval(req, res, user, agentId, code, passkeyText, 403);
    sendPage(res, TITLE, outcome(refusal.message, "error"), refusal.status);
  }

  return router;
}

function closedRequest() {
  return outcome("This request was closed after too many wrong codes. Ask the agent to connect again.", "error");
}
