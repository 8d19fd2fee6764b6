import type { RequestHandler } from "express";

/**
 * The Host header every later handler sees: the configured origin's host
 * (BETTER_AUTH_URL), or the host a trusted proxy reports (X-Forwarded-Host,
 * only with TRUST_PROXY). The agent-auth plugin accepts a JWT audience built
 * from the request's Host, so a raw Host would let a token minted for
 * `http://evil.example` pass with `Host: evil.example`; pinning it here means
 * audiences come from configuration only, for the plugin and our own paths.
 */
export function pinnedHost(configuredOrigin: string, trustProxy: boolean): RequestHandler {
  const configuredHost = new URL(configuredOrigin).host;
  return (req, _res, next) => {
    req.headers.host = trustProxy ? req.host || configuredHost : configuredHost;
    next();
  };
}
