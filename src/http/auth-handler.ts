import { toNodeHandler } from "better-auth/node";
import { withProtocolProblem } from "../agents/plugin/protocol-problem.js";
import type { Auth } from "../auth/create-auth.js";
import { refusedHttpRoute } from "../auth/inventory/route-firewall.js";
import { AUTH_BASE_PATH } from "../config/origins.js";
import type { Logger } from "../logging/logger.js";
import { problemOfError } from "./error-problems.js";
import { problemResponse } from "./problem-responses.js";
import { httpProblem } from "./problem-titles.js";

/**
 * Better Auth's handler for `/api/auth/*`, behind the inventory's HTTP gate
 * (a disabled or internal route is 404 before Better Auth reads it), with database faults answered
 * 503 problem+json like the rest of the API (and a service's refusal, should
 * a route run one, as its problem), and refusals on agent routes
 * as protocol problems (protocol-problem.ts). Better Auth would make them
 * 500s: its rate limiter (which reads PostgreSQL before any route) rejects
 * with the driver's error, and route errors reach us raw because createAuth
 * sets `onAPIError.throw` (see there). Anything else unexpected is logged
 * and answered with the bare 500 Better Auth itself sends.
 */
export function authHandler(auth: Auth, logger: Logger): ReturnType<typeof toNodeHandler> {
  return toNodeHandler(async (request: Request) => {
    const path = new URL(request.url).pathname.slice(AUTH_BASE_PATH.length);
    if (refusedHttpRoute(path)) return problemResponse(httpProblem(404, "not_found", "No such endpoint."));
    try {
      const response = await auth.handler(request);
      return await withProtocolProblem(response, path);
    } catch (error) {
      const problem = problemOfError(error);
      if (problem) return problemResponse(problem);
      logger.error({ err: error, path: new URL(request.url).pathname }, "auth route failed");
      return new Response(null, { status: 500, statusText: "Internal Server Error" });
    }
  });
}
