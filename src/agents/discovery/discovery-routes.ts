import { type Request, type RequestHandler, Router } from "express";
import type { Auth } from "../../auth/create-auth.js";
import { AUTH_BASE_PATH } from "../../config/origins.js";

/**
 * Paths our integrators' configuration names that differ from the plugin's,
 * answered by rewriting the request onto the plugin's route (GET only).
 */
export const AGENT_AUTH_ALIASES: Readonly<Record<string, string>> = {
  [`${AUTH_BASE_PATH}/agent/capabilities`]: `${AUTH_BASE_PATH}/capability/list`,
};

/**
 * Where clients that do not find the well-known document fall back to,
 * `<issuer>/agent/agent-configuration` (the plugin serves only `<issuer>/agent-configuration`):
 * the same document is served there.
 */
export const DISCOVERY_FALLBACK_PATH = `${AUTH_BASE_PATH}/agent/agent-configuration`;

export interface DiscoveryOptions {
  readonly auth: Auth;
  /** The MCP endpoint (`<API_PUBLIC_URL origin>/mcp`): MCP clients connect there with OAuth instead of this protocol. */
  readonly mcpEndpoint: string;
  /** BETTER_AUTH_URL's origin: the plugin's document names it; a trusted proxy's view replaces it. */
  readonly authOrigin: string;
  /** Where merchants approve agents (path on this server or absolute URL). */
  readonly deviceAuthorizationPage: string;
  /** Rebuild URLs from X-Forwarded-Proto/Host (only when a trusted proxy sets them). */
  readonly trustProxy: boolean;
}

/**
 * `GET /.well-known/agent-configuration`: the plugin's protocol document
 * (so Agent Auth clients work unchanged) plus the OAuth-style names our
 * integrators already read. Mapping, for the README:
 * - `registration_endpoint` → `agent/register` (the plugin's);
 * - `capabilities_endpoint` → `agent/capabilities`, an alias of `capability/list`;
 * - `authorization_endpoint` → the device authorization page, where the merchant approves;
 * - `token_endpoint` → `agent/status`: a protocol agent polls its status
 *   where an OAuth client would poll the token endpoint (there is no token to
 *   fetch: the agent signs its own short-lived JWTs).
 * Also mounts the path aliases and sends the bare issuer URL to the
 * document; place before Better Auth's catch-all route.
 */
export function agentDiscoveryRoutes({
  auth,
  authOrigin: configuredOrigin,
  deviceAuthorizationPage,
  trustProxy,
  mcpEndpoint,
}: DiscoveryOptions): Router {
  const router = Router();

  const serveDocument: RequestHandler = async (req, res, next) => {
    try {
      const document = (await auth.api.getAgentConfiguration()) as Record<string, unknown>;
      const origin = trustProxy ? `${req.protocol}://${req.host}` : configuredOrigin;
      const issuer = `${origin}${AUTH_BASE_PATH}`;
      // The same operations as MCP tools, for clients that speak MCP (OAuth 2.1; see README "Connect from an MCP client").
      const rebased = rebase({ ...document, mcp_endpoint: mcpEndpoint }, configuredOrigin, origin);
      res.set("Cache-Control", "public, max-age=300");
      res.json({
        ...rebased,
        issuer,
        registration_endpoint: `${issuer}/agent/register`,
        capabilities_endpoint: `${issuer}/agent/capabilities`,
        authorization_endpoint: new URL(deviceAuthorizationPage, origin).href,
        token_endpoint: `${issuer}/agent/status`,
      });
    } catch (error) {
      next(error);
    }
  };
  router.get("/.well-known/agent-configuration", serveDocument);
  router.get(DISCOVERY_FALLBACK_PATH, serveDocument);

  // The issuer is a URL in the document too: it leads back to the document.
  router.get(AUTH_BASE_PATH, (_req, res) => {
    res.redirect(307, "/.well-known/agent-configuration");
  });

  for (const [alias, target] of Object.entries(AGENT_AUTH_ALIASES)) {
    router.get(alias, (req: Request, _res, next) => {
      req.url = target + req.url.slice(alias.length);
      next();
    });
  }
  return router;
}

/** The document with every URL on the configured origin moved to `origin` (a trusted proxy's view). */
function rebase<T>(value: T, from: string, to: string): T {
  if (from === to) return value;
  return JSON.parse(JSON.stringify(value).split(`"${from}`).join(`"${to}`)) as T;
}
