import type { Request } from "express";
import type { RequestFacts } from "./request-binding.js";

/** The request's Bearer token when it is a JWT (agent JWTs are; nothing else we accept is). */
export function bearerJwtOf(req: Pick<Request, "headers">): string | undefined {
  const value = req.headers.authorization;
  if (!value || !/^Bearer\s+/i.test(value)) return undefined;
  const token = value.replace(/^Bearer\s+/i, "");
  return token.split(".").length === 3 ? token : undefined;
}

/**
 * What an agent JWT on this request may be bound to: its method and URL, on
 * the origin the route is configured at (`servedAt`: API_PUBLIC_URL's for
 * /v1, BETTER_AUTH_URL's for execute), or on the origin a trusted proxy
 * reports, which tokens may then name as well (`extraOrigins`).
 */
export function agentRequestFacts(req: Request, publicOrigin: string, trustProxy: boolean, servedAt: string = publicOrigin): RequestFacts {
  const proxied = trustProxy ? `${req.protocol}://${req.host}` : undefined;
  const origin = proxied ?? servedAt;
  return {
    method: req.method,
    url: `${origin}${req.originalUrl.split("?")[0]}`,
    extraOrigins: proxied && proxied !== publicOrigin ? [proxied] : [],
  };
}
