import { randomUUID } from "node:crypto";
import type { AgentSession } from "@better-auth/agent-auth";
import { APIError } from "better-auth/api";
import type { Kysely } from "kysely";
import { isCapabilityName } from "../../../generated/capabilities.js";
import { type HandlerResult, HttpProblem, type OperationDispatcher } from "../../../generated/routes.js";
import type { Principal } from "../../auth/principal.js";
import type { Database } from "../../db/schema.js";
import type { AppContext } from "../../handlers/app-context.js";
import { problemOfError } from "../../http/error-problems.js";
import { httpProblem } from "../../http/problem-titles.js";
import { BATCH_EXECUTE_PATH, type ExecuteRefusal, rememberBatchRefusal } from "../plugin/batch-refusals.js";
import { protocolProblem } from "../plugin/protocol-problem.js";
import { principalOfAgentSession } from "../principal/agent-principal.js";
import { toOperationCall } from "./capability-arguments.js";
import { dispatchAs } from "./dispatch-as.js";
import { type ProxyTarget, proxyOperationCall } from "./proxy-call.js";

/** Where `capability/execute` runs operations: here, or at the API over HTTP with the proxy key. */
export type ExecutionTarget = { readonly kind: "in-process" } | ({ readonly kind: "proxy" } & ProxyTarget);

export interface ExecuteRequest {
  readonly capability: string;
  readonly arguments?: Record<string, unknown>;
  readonly agentSession: AgentSession;
  /** The grant the plugin matched for this call, possibly one it just created from the host's defaults. */
  readonly grant?: { readonly capability: string; readonly status: string; readonly constraints?: unknown };
  /** The plugin's endpoint context: which route called (execute or batch-execute) and the call's auth context. */
  readonly ctx?: { readonly path?: string; readonly context: object };
}

/**
 * Runs a capability's operation for an agent with the same validation,
 * grants, tenant and results as a direct call: in-process through the
 * generated router's dispatcher (no HTTP hop), or, in proxy mode, at the
 * API over HTTP. Refusals are HttpProblems with the direct call's status
 * and body. The dispatcher runs the same handlers as the /v1 router (the
 * composition root builds them once, see app/assemble.ts).
 */
export class CapabilityRunner {
  constructor(
    private readonly dispatcher: OperationDispatcher<AppContext>,
    private readonly target: ExecutionTarget,
    /** Better Auth's base URL: a refusal for a missing grant names where to ask for it. */
    private readonly authBaseUrl: string,
  ) {}

  /** `principal` is asked for only in-process (in proxy mode the API works it out). */
  async run(capability: string, args: unknown, agentId: string, principal: () => Promise<Principal>): Promise<HandlerResult> {
    // The protocol's code and wording (the plugin's own answer for an unknown name), whichever path runs the call.
    if (!isCapabilityName(capability)) throw httpProblem(404, "capability_not_found", `Capability "${capability}" does not exist.`);
    const call = toOperationCall(capability, args);
    if (this.target.kind === "proxy") return proxyOperationCall(this.target, capability, call, agentId);
    return dispatchAs(this.dispatcher, await principal(), capability, call, { authBaseUrl: this.authBaseUrl, requestId: randomUUID() });
  }
}

/**
 * The plugin's `onExecute` (protocol clients' tokens): the plugin verified
 * the agent and its grant; we run the operation. Success returns the
 * operation's response body, which the plugin sends as `{ data }`. A refusal
 * keeps its status and problem+json body, with the protocol's `error` (the
 * code) and `message` beside them: single execute sends it whole; for a
 * batch item the plugin keeps only `error` and `message`, so the refusal is
 * also remembered for the batch after-hook (see batch-refusals.ts).
 */
export function pluginExecuteHandler(db: Kysely<Database>, runner: CapabilityRunner): (request: ExecuteRequest) => Promise<unknown> {
  return async ({ capability, arguments: args, agentSession, grant, ctx }) => {
    let problem: HttpProblem;
    try {
      const result = await runner.run(capability, args, agentSession.agentId, () =>
        principalOfAgentSession(db, withMatchedGrant(agentSession, grant)),
      );
      if (result.status < 400) return result.body ?? null;
      problem = protocolProblem(result.status, result.body);
    } catch (error) {
      const classified = error instanceof HttpProblem ? error : problemOfError(error);
      if (!classified) throw error;
      problem = classified;
    }
    const refusal: ExecuteRefusal = { status: problem.status, body: { ...problem.toJSON() } };
    if (ctx?.path === BATCH_EXECUTE_PATH) rememberBatchRefusal(ctx.context, refusal);
    throw apiError(refusal.status, refusal.body, problem.headers);
  };
}

/**
 * The session's grants plus the one the plugin matched for this call. The
 * plugin reads the session before it grants a host default on the spot
 * (0.6.2 execute and batch-execute), so without this the first call of such
 * a capability would be refused and the identical second one served. The
 * plugin only passes grants it checked: active, for this agent and
 * capability, constraints matched against the arguments.
 */
function withMatchedGrant(session: AgentSession, grant: ExecuteRequest["grant"]): AgentSession {
  if (grant?.status !== "active" || session.agent.capabilityGrants.some((held) => held.capability === grant.capability)) return session;
  const added = {
    capability: grant.capability,
    status: grant.status,
    constraints: grant.constraints ?? null,
  } as AgentSession["agent"]["capabilityGrants"][number];
  return { ...session, agent: { ...session.agent, capabilityGrants: [...session.agent.capabilityGrants, added] } };
}

/** An error the plugin passes through with our status (HTTP statuses are a subset of better-call's `Status`). */
function apiError(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): APIError {
  return new APIError(status as ConstructorParameters<typeof APIError>[0], body, headers);
}
