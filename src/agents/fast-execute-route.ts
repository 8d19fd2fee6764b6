import express, { Router, type Request, type Response } from "express";
import { HttpProblem, withProtocolFields } from "../../generated/routes.js";
import { AUTH_BASE_PATH } from "../auth/create-auth.js";
import { problemOfDatabaseFault } from "../http/database-unavailable.js";
import { sendProblem } from "../http/problem-responses.js";
import { agentRequestFacts, bearerJwtOf } from "./agent-request.js";
import type { AgentResolver, RequestFacts } from "./agent-resolver.js";
import { asBody, type CapabilityRunner } from "./capability-executor.js";

export const EXECUTE_PATH = `${AUTH_BASE_PATH}/capability/execute`;

export interface FastExecuteOptions {
  readonly agents: AgentResolver;
  readonly runner: CapabilityRunner;
  readonly publicOrigin: string;
  readonly trustProxy: boolean;
  /** Told about unexpected failures before the 500 goes out. */
  readonly onError: (error: unknown) => void;
}

/**
 * `POST /api/auth/capability/execute` for tokens addressed to the API
 * (`<origin>/v1`, the SDK's): verified like direct calls, from cached agent
 * facts, then run by the same runner as the plugin's endpoint, answering in
 * the plugin's shape (`{ data }`; refusals as problem+json with the
 * protocol's `error` and `message`, as the plugin's). Any other token falls
 * through to the plugin untouched (its body unread). Mounted before Better Auth.
 */
export function fastExecuteRoute({ agents, runner, publicOrigin, trustProxy, onError }: FastExecuteOptions): Router {
  const router = Router();
  const parseJson = express.json({ limit: "100kb" });
  router.post(EXECUTE_PATH, (req, res, next) => {
    const token = bearerJwtOf(req);
    const facts = agentRequestFacts(req, publicOrigin, trustProxy);
    if (!token || !agents.handles(token, facts.extraOrigins)) return next();
    parseJson(req, res, (error?: unknown) => {
      if (error) return sendProblem(res, new HttpProblem(400, "invalid_json", "Invalid request", "The body must be JSON: { capability, arguments }."));
      void execute(req, res, token, facts);
    });
  });

  async function execute(req: Request, res: Response, token: string, facts: RequestFacts): Promise<void> {
    try {
      const principal = await agents.resolve(token, facts);
      const { capability, arguments: args } = (req.body ?? {}) as { capability?: unknown; arguments?: unknown };
      if (typeof capability !== "string") {
        throw new HttpProblem(400, "validation_failed", "Invalid request", "capability is required", [{ pointer: "/capability", detail: "is required", code: "required" }]);
      }
      const result = await runner.run(capability, args, principal.credentialId, async () => principal);
      if (result.status >= 400) {
        res.status(result.status).type("application/problem+json").send(JSON.stringify(withProtocolFields(asBody(result.body))));
        return;
      }
      res.json({ data: result.body ?? null });
    } catch (error) {
      if (error instanceof HttpProblem) return sendProblem(res, error);
      const fault = problemOfDatabaseFault(error);
      if (fault) return sendProblem(res, fault);
      onError(error);
      sendProblem(res, new HttpProblem(500, "internal_error", "Internal server error"));
    }
  }
  return router;
}
