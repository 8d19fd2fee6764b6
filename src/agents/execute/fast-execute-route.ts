import express, { type Request, type Response, Router } from "express";
import { HttpProblem } from "../../../generated/routes.js";
import { AUTH_BASE_PATH } from "../../config/origins.js";
import { problemOfError } from "../../http/error-problems.js";
import { sendProblem } from "../../http/problem-responses.js";
import { httpProblem } from "../../http/problem-titles.js";
import { protocolProblem } from "../plugin/protocol-problem.js";
import { agentRequestFacts, bearerJwtOf } from "../principal/agent-request.js";
import type { AgentResolver } from "../principal/agent-resolver.js";
import type { RequestFacts } from "../principal/request-binding.js";
import type { CapabilityRunner } from "./capability-executor.js";

export const EXECUTE_PATH = `${AUTH_BASE_PATH}/capability/execute`;

export interface FastExecuteOptions {
  readonly agents: AgentResolver;
  readonly runner: CapabilityRunner;
  readonly publicOrigin: string;
  /** BETTER_AUTH_URL's origin: where this route is served, hence what an `htu` names. */
  readonly authOrigin: string;
  readonly trustProxy: boolean;
  /** Told about unexpected failures before the 500 goes out. */
  readonly onError: (error: unknown) => void;
}

/**
 * `POST /api/auth/capability/execute` on the fast verifier: tokens addressed
 * to the API (`<origin>/v1`, the SDK's) and to the protocol's audiences
 * (issuer, execute URL, origin: what protocol clients sign) are verified from
 * cached agent facts with the plugin's checks and replay cache (see
 * agent-resolver.ts), a host default the agent does not hold yet is granted
 * on the spot as the plugin does, and the call is run by the same runner as
 * the plugin's endpoint, answering in the plugin's shape (`{ data }`;
 * refusals as problem+json with the protocol's `error` and `message`). What
 * the resolver leaves to the plugin (lapsed agents, body-hash-bound tokens,
 * other audiences) falls through untouched, its body unread. Mounted before
 * Better Auth.
 */
export function fastExecuteRoute({ agents, runner, publicOrigin, authOrigin, trustProxy, onError }: FastExecuteOptions): Router {
  const router = Router();
  const parseJson = express.json({ limit: "100kb" });
  router.post(EXECUTE_PATH, async (req, res, next) => {
    const token = bearerJwtOf(req);
    const facts = agentRequestFacts(req, publicOrigin, trustProxy, authOrigin);
    try {
      if (!token || !(await agents.takes(token, facts, { bodyHashToPlugin: true }))) return next();
    } catch (error) {
      return fail(res, error);
    }
    parseJson(req, res, (error?: unknown) => {
      if (error) return sendProblem(res, httpProblem(400, "invalid_json", "The body must be JSON: { capability, arguments }."));
      void execute(req, res, token, facts);
    });
  });

  async function execute(req: Request, res: Response, token: string, facts: RequestFacts): Promise<void> {
    try {
      const { capability, arguments: args } = (req.body ?? {}) as { capability?: unknown; arguments?: unknown };
      const principal = await agents.resolve(token, facts, typeof capability === "string" ? { executing: capability } : {});
      if (typeof capability !== "string") {
        throw httpProblem(400, "validation_failed", "capability is required", [
          { pointer: "/capability", detail: "is required", code: "required" },
        ]);
      }
      const result = await runner.run(capability, args, principal.credentialId, async () => principal);
      if (result.status >= 400) return sendProblem(res, protocolProblem(result.status, result.body));
      res.json({ data: result.body ?? null });
    } catch (error) {
      fail(res, error);
    }
  }

  function fail(res: Response, error: unknown): void {
    const problem = error instanceof HttpProblem ? error : problemOfError(error);
    if (!problem) onError(error);
    sendProblem(res, problem ?? httpProblem(500, "internal_error"));
  }
  return router;
}
