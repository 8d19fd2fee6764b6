import type { IncomingHttpHeaders } from "node:http";
import type { AgentSession } from "@better-auth/agent-auth";
import { APIError } from "better-auth/api";
import { fromNodeHeaders } from "better-auth/node";
import type { Kysely } from "kysely";
import { type HttpProblem, isProblemCode } from "../../../generated/routes.js";
import { scopesOfRole } from "../../auth/membership.js";
import type { Principal } from "../../auth/principal.js";
import type { Database } from "../../db/schema.js";
import { httpProblem } from "../../http/problem-titles.js";
import { discoveryChallenge } from "../discovery/discovery-challenge.js";
import { accessOfGrants } from "../execute/grant-constraints.js";
import { agentMembership, pinnedOrganization } from "./store-of-agent.js";

/**
 * What this module needs of Better Auth: the plugin's session read, typed by
 * shape so that agents/ does not import the assembly (create-auth.ts builds
 * the plugin from agents/, which would close a cycle).
 */
export interface AgentSessionReader {
  readonly api: { getAgentSession(input: { headers: Headers }): Promise<unknown> };
}

/**
 * Turns an agent JWT into a principal. The plugin verifies the token
 * (signature, `typ`, max age, audience, single-use `jti`) and the agent's
 * state, and returns its active grants; we add the tenant: the organization
 * pinned in the agent's metadata when the merchant approved it (still one of
 * the user's memberships), else the user's only membership.
 */
export async function resolveAgentPrincipal(
  auth: AgentSessionReader,
  db: Kysely<Database>,
  headers: IncomingHttpHeaders,
  publicOrigin: string,
): Promise<Principal> {
  return principalOfAgentSession(db, await verifyAgentJwt(auth, headers, publicOrigin));
}

/** What a principal is built from: the plugin's agent session, or the same facts read for a proxied call. */
export interface AgentSessionFacts {
  readonly agentId: string;
  readonly userId: string | null;
  readonly agent: {
    readonly metadata: unknown;
    readonly capabilityGrants: readonly { readonly capability: string; readonly status: string; readonly constraints?: unknown }[];
  };
}

/** The principal of a verified agent session: its delegating user, tenant, scopes and active grants. */
export async function principalOfAgentSession(db: Kysely<Database>, session: AgentSessionFacts): Promise<Principal> {
  if (!session.userId) {
    throw httpProblem(403, "agent_without_user", "Only delegated agents, approved by a store member, can call the API.");
  }
  const memberships = await db.selectFrom("member").select(["organizationId", "role"]).where("userId", "=", session.userId).execute();
  const pinned = pinnedOrganization(session.agent.metadata);
  const membership = agentMembership(memberships, pinned);
  if (!membership) throw tenantProblem(pinned, memberships.length);
  return {
    kind: "agent",
    organizationId: membership.organizationId,
    userId: session.userId,
    credentialId: session.agentId,
    scopes: scopesOfRole(membership.role),
    ...accessFields(session.agent.capabilityGrants.filter((grant) => grant.status === "active")),
  };
}

async function verifyAgentJwt(auth: AgentSessionReader, headers: IncomingHttpHeaders, publicOrigin: string): Promise<AgentSession> {
  try {
    const session = (await auth.api.getAgentSession({ headers: fromNodeHeaders(headers) })) as AgentSession | null;
    if (session) return session;
  } catch (error) {
    if (error instanceof APIError) throw fromPluginError(error, publicOrigin);
    throw error;
  }
  throw httpProblem(401, "invalid_jwt", "The Bearer token is not an agent JWT.", undefined, discoveryChallenge(publicOrigin));
}

/** The principal's grant fields from active grants (constrained ones come with their gates). */
export function accessFields(
  grants: readonly { readonly capability: string; readonly constraints?: unknown }[],
): Pick<Principal, "grantedCapabilities" | "constraintGates"> {
  const access = accessOfGrants(grants);
  return { grantedCapabilities: access.capabilities, constraintGates: access.gates };
}

/** The plugin's `{ error, message }` errors as problem+json with the same status; 401s point at discovery. */
function fromPluginError(error: APIError, publicOrigin: string): HttpProblem {
  const body = (error.body ?? {}) as { error?: unknown; message?: unknown };
  const code = isProblemCode(body.error) ? body.error : error.statusCode === 401 ? "unauthorized" : "forbidden";
  const detail = typeof body.message === "string" ? body.message : error.message;
  const status = error.statusCode;
  const headers = status === 401 ? discoveryChallenge(publicOrigin) : {};
  return httpProblem(status, code, detail, undefined, headers);
}

function tenantProblem(pinned: string | null, membershipCount: number): HttpProblem {
  if (pinned) {
    return httpProblem(
      403,
      "organization_membership_ended",
      "The user who approved this agent is no longer a member of the store it was approved for.",
    );
  }
  if (membershipCount === 0) {
    return httpProblem(403, "no_membership", "The user who approved this agent is not a member of any store.");
  }
  return httpProblem(
    403,
    "organization_required",
    "The user who approved this agent belongs to several stores: approve it again on the device page choosing the store, or pin one with POST /api/auth/agent/update { agent_id, metadata: { organizationId } }.",
  );
}
