import type { Request } from "express";
import type { RequestFacts } from "./agent-resolver.js";

/** The request's Bearer token when it is a JWT (agent JWTs are; nothing else we accept is). */
export function bearerJwtOf(req: Pick<Request, "headers">): string | undefined {
  const value = req.headers.authorization;
  if (!value || !/^Bearer\s+/i.test(value)) return undefined;
  const token = value.replace(/^Bearer\s+/i, "");
  return token.split(".").length === 3 ? token : undefined;
}

/**
 * What an agent JWT on this request may be bound to: its method and URL, on
 * API_PUBLIC_URL's origin, or on the origin a trusted proxy reports.
 */
export function agentRequestFacts(req: Request, publicOrigin: string, trustProxy: boolean): RequestFacts {
  const origin = trustProxy ? `${req.protocol}://${req.host}` : publicOrigin;
  return { method: req.method, url: `${origin}${req.originalUrl.split("?")[0]}`, extraOrigins: origin === publicOrigin ? [] : [origin] };
}
