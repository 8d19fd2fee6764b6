import { fromNodeHeaders } from "better-auth/node";
import { type Request, type Response, Router, urlencoded } from "express";
import { type CapabilityName, capabilities } from "../../../generated/capabilities.js";
import { parseLimitsForm } from "../../agents/limits/limits-form.js";
import { NOTHING_REQUESTED } from "../../agents/limits/requested-limits.js";
import { setAgentLimits } from "../../agents/limits/set-agent-limits.js";
import { internalCallHeaders } from "../../auth/inventory/internal-call.js";
import { OAUTH_CONSENT_PATH, OAUTH_SIGN_IN_PATH } from "../../config/page-paths.js";
import { tenantOf } from "../../db/tenant.js";
import { TenantScope } from "../../db/tenant-scope.js";
import { connectMcpClient, dropMcpConnection } from "../../mcp/mcp-connections.js";
import { storeCurrencies } from "../../services/agent-limits/store-currencies.js";
import type { AgentPageDependencies } from "../agent-page-dependencies.js";
import { html } from "../html.js";
import { sendPage } from "../layout.js";
import type { PageUser } from "../page-session.js";
import { pageUser } from "../page-session.js";
import { signInForm } from "../sign-in.js";
import { type ConsentClient, consentPage, offeredTools } from "./consent-views.js";
import { authorizationRequestOf, rawQueryOf } from "./oauth-query.js";

const TITLE = "Connect an MCP client";
const AUTHORIZE_PATH = "/api/auth/oauth2/authorize";

/**
 * The OAuth provider's two pages for MCP clients. Sign-in: where the plugin
 * sends a signed-out browser; after signing in it goes back to the
 * authorization request, which the plugin checks again. Consent: the
 * merchant's approval. Approving records the connection as an agent
 * (store, granted tools, limits) first, then has the plugin issue the code
 * (its consent endpoint, which is refused over HTTP, so no consent can skip
 * this page); the plugin's remembered consent is then forgotten, so each
 * new authorization of the client comes back here.
 */
export function oauthConsentRoutes({ auth, db, csrf, authStateChanges }: AgentPageDependencies, authBaseUrl: string): Router {
  const router = Router();
  const forms = urlencoded({ extended: false, limit: "16kb" });

  router.get(OAUTH_SIGN_IN_PATH, async (req, res, next) => {
    try {
      const authorize = `${AUTHORIZE_PATH}?${authorizationRequestOf(new URLSearchParams(rawQueryOf(req.originalUrl))).toString()}`;
      if (await pageUser(auth, db, req)) return res.redirect(303, authorize);
      sendPage(res, "Sign in", signInForm(csrf.token(req, res), authorize, "Sign in to connect an MCP client to your store."));
    } catch (error) {
      next(error);
    }
  });

  router.get(OAUTH_CONSENT_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const oauthQuery = rawQueryOf(req.originalUrl);
      const client = await consentClient(oauthQuery);
      if (!client) return refuse(res, 400, "This authorization request names no registered client. Start again from your MCP client.");
      if (user.stores.length === 0) return refuse(res, 403, "You are not a member of any store, so there is nothing to connect.");
      await showForm(req, res, user, client, oauthQuery, {});
    } catch (error) {
      next(error);
    }
  });

  router.post(OAUTH_CONSENT_PATH, forms, async (req, res, next) => {
    try {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), OAUTH_CONSENT_PATH, "Sign in to continue."), 401);
      if (!csrf.verify(req)) return refuse(res, 403, "The form expired. Start again from your MCP client.");
      const oauthQuery = typeof form.oauth_query === "string" ? form.oauth_query : "";
      const client = await consentClient(oauthQuery);
      if (!client) return refuse(res, 400, "This authorization request names no registered client. Start again from your MCP client.");
      const headers = fromNodeHeaders(req.headers);
      if (form.decision !== "approve") {
        return res.redirect(303, redirectOf(await consent(false, oauthQuery, headers)));
      }
      const store = user.stores.find((item) => item.organizationId === form.organization_id);
      if (!store) return showForm(req, res, user, client, oauthQuery, form, "Choose one of your stores.", 400);
      const chosen = chosenTools(form.capabilities);
      if (chosen.unknown.length > 0)
        return showForm(req, res, user, client, oauthQuery, form, `Not a tool: ${chosen.unknown.join(", ")}.`, 400);
      if (chosen.tools.some((name) => capabilities[name].scope === "admin") && !store.manages) {
        return showForm(req, res, user, client, oauthQuery, form, `Only an owner or admin of ${store.name} can grant admin tools.`, 403);
      }
      const limits = parseLimitsForm(form, {
        requested: NOTHING_REQUESTED,
        storeCurrencies: await storeCurrencies(new TenantScope(db, tenantOf(store.organizationId))),
        now: new Date(),
      });
      if (limits.kind === "invalid") return showForm(req, res, user, client, oauthQuery, form, limits.errors.join(" "), 400);

      const agentId = await connectMcpClient(db, {
        clientId: client.clientId,
        clientName: `${client.name} (MCP)`,
        userId: user.id,
        organizationId: store.organizationId,
        capabilities: chosen.tools,
      });
      let answer: { url?: unknown; redirect_uri?: unknown };
      try {
        if (limits.kind === "valid") {
          await setAgentLimits(db, authStateChanges, {
            organizationId: store.organizationId,
            agentId,
            limits: limits.limits,
            userId: user.id,
          });
        }
        answer = await consent(true, oauthQuery, headers);
      } catch (error) {
        // A forged or expired request (the plugin checks its signature): nothing of this consent may stay.
        await dropMcpConnection(db, agentId);
        throw error;
      } finally {
        authStateChanges.emit();
      }
      // Never remembered: the next authorization of this client asks again, here (see the route comment).
      await db.deleteFrom("oauthConsent").where("clientId", "=", client.clientId).where("userId", "=", user.id).execute();
      res.redirect(303, redirectOf(answer));
    } catch (error) {
      next(error);
    }
  });

  async function showForm(
    req: Request,
    res: Response,
    user: PageUser,
    client: ConsentClient,
    oauthQuery: string,
    form: Record<string, unknown>,
    message?: string,
    status = 200,
  ): Promise<void> {
    const store =
      user.stores.find((item) => item.organizationId === form.organization_id) ?? (user.stores.length === 1 ? user.stores[0] : undefined);
    const currencies = store ? await storeCurrencies(new TenantScope(db, tenantOf(store.organizationId))) : [];
    const returning = form.decision !== undefined;
    sendPage(
      res,
      TITLE,
      consentPage({
        client,
        user,
        csrfToken: csrf.token(req, res),
        oauthQuery,
        limits: { current: null, requested: NOTHING_REQUESTED, storeCurrencies: currencies },
        chosen: returning ? new Set(chosenTools(form.capabilities).tools) : undefined,
        chosenStore: store?.organizationId,
        entered: returning ? textFields(form) : undefined,
        message,
      }),
      status,
      // The form's answer redirects to the client; CSP form-action must allow it, or the browser stops there.
      { formRedirects: [client.redirectUri] },
    );
  }

  /**
   * The plugin's consent endpoint, refused over HTTP (an `internal` route),
   * called as our own code: it re-runs the authorization, which needs a
   * Request; JSON is asked for, so it answers `{ url }` instead of redirecting.
   */
  async function consent(accept: boolean, oauthQuery: string, headers: Headers): Promise<{ url?: unknown; redirect_uri?: unknown }> {
    const marked = internalCallHeaders(headers);
    marked.set("accept", "application/json");
    const request = new Request(`${authBaseUrl}/oauth2/consent`, { method: "POST", headers: marked });
    // Given a Request, the endpoint answers with a Response.
    const answer: unknown = await auth.api.oauth2Consent({ body: { accept, oauth_query: oauthQuery }, headers: marked, request });
    const body = answer instanceof Response ? await answer.json() : answer;
    if (answer instanceof Response && !answer.ok)
      throw new Error(`the OAuth provider refused the consent: ${answer.status} ${JSON.stringify(body)}`);
    return body as { url?: unknown; redirect_uri?: unknown };
  }

  async function consentClient(oauthQuery: string): Promise<ConsentClient | undefined> {
    const query = new URLSearchParams(oauthQuery);
    const clientId = query.get("client_id");
    const redirectUri = query.get("redirect_uri");
    if (!clientId || !redirectUri || !URL.canParse(redirectUri)) return undefined;
    const row = await db
      .selectFrom("oauthClient")
      .select(["clientId", "name", "uri", "disabled"])
      .where("clientId", "=", clientId)
      .executeTakeFirst();
    if (!row || row.disabled) return undefined;
    return {
      clientId: row.clientId,
      name: row.name ?? "An unnamed MCP client",
      uri: row.uri,
      redirectHost: new URL(redirectUri).host,
      redirectUri,
    };
  }

  return router;
}

function chosenTools(value: unknown): { tools: CapabilityName[]; unknown: string[] } {
  const names = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  const offered = new Set<string>(offeredTools());
  return {
    tools: [...new Set(names.filter((name) => offered.has(name)))] as CapabilityName[],
    unknown: names.filter((name) => !offered.has(name)),
  };
}

function textFields(form: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Where the plugin's consent answer sends the browser: the client's redirect URI with a code, or with `error=access_denied`. */
function redirectOf(answer: { readonly url?: unknown; readonly redirect_uri?: unknown }): string {
  const target = typeof answer.url === "string" ? answer.url : answer.redirect_uri;
  if (typeof target !== "string") throw new Error("the OAuth provider's consent answer names no redirect");
  return target;
}

function refuse(res: Response, status: number, message: string): void {
  sendPage(res, TITLE, html`<p class="alert" role="alert">${message}</p>`, status);
}
