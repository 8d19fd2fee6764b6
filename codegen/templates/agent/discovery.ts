/*
 * Discovery: what the server says about its Agent Auth endpoints. Read from
 * `/.well-known/agent-configuration` at the origin (RFC 8615 puts well-known
 * URIs at the root, whatever path the API base URL has).
 */
import { AgentDiscoveryError } from "./errors.js";
import { type FetchLike, requestJson } from "./http.js";

/** Absolute URLs of the protocol endpoints. */
export interface AgentAuthEndpoints {
  readonly register: string;
  readonly capabilities: string;
  readonly execute: string;
  readonly request_capability: string;
  readonly status: string;
  readonly describe_capability?: string;
  readonly reactivate?: string;
  readonly revoke?: string;
  readonly revoke_host?: string;
  readonly rotate_key?: string;
  readonly rotate_host_key?: string;
  readonly introspect?: string;
}

/** The discovery document (the plugin's, plus OAuth-style aliases our server adds). */
export interface AgentConfiguration {
  readonly version?: string;
  readonly provider_name?: string;
  readonly description?: string;
  /** Base URL of the protocol endpoints (`<origin>/api/auth` here); a valid JWT audience. */
  readonly issuer: string;
  /** Where capabilities execute by default (the plugin's `capability/execute`). */
  readonly default_location?: string;
  /** Key algorithms the server accepts, e.g. `["Ed25519"]`. */
  readonly algorithms: readonly string[];
  /** Agent modes, `delegated` and/or `autonomous`. */
  readonly modes: readonly string[];
  /** Approval methods, e.g. `device_authorization`, `ciba`. */
  readonly approval_methods: readonly string[];
  readonly endpoints: AgentAuthEndpoints;
  readonly jwks_uri?: string;
  readonly registration_endpoint?: string;
  readonly capabilities_endpoint?: string;
  readonly authorization_endpoint?: string;
  readonly token_endpoint?: string;
}

export interface DiscoverOptions {
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
}

/** The discovery URL of an API base URL. */
export function agentConfigurationUrl(baseUrl: string): string {
  return new URL("/.well-known/agent-configuration", baseUrl).href;
}

/**
 * Fetches and checks the discovery document.
 * @throws AgentDiscoveryError naming each missing field, or when the server
 *   does not accept Ed25519 keys or delegated agents (the only kind this SDK makes).
 */
export async function discoverAgentAuth(baseUrl: string, options: DiscoverOptions = {}): Promise<AgentConfiguration> {
  const url = agentConfigurationUrl(baseUrl);
  let body: unknown;
  try {
    body = await requestJson({ method: "GET", url, ...options });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new AgentDiscoveryError(
      "discovery_unavailable",
      `No agent configuration at ${url}: ${error instanceof Error ? error.message : String(error)}`,
      [],
      { cause: error },
    );
  }
  return parseAgentConfiguration(body, url);
}

/** Checks a parsed document; `source` names it in errors. */
export function parseAgentConfiguration(body: unknown, source: string): AgentConfiguration {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AgentDiscoveryError("discovery_invalid", `${source} is not a JSON object`);
  }
  const document = body as Record<string, unknown>;
  const rawEndpoints = isRecord(document.endpoints) ? document.endpoints : {};
  // The plugin's `endpoints` first; the OAuth-style names stand in for the two they cover.
  const endpoint = (name: string, alias?: string): unknown => rawEndpoints[name] ?? (alias ? document[alias] : undefined);
  const missing: string[] = [];
  const url = (value: unknown, field: string): string => {
    if (typeof value === "string" && URL.canParse(value)) return value;
    missing.push(field);
    return "";
  };
  const list = (value: unknown, field: string): readonly string[] => {
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
    missing.push(field);
    return [];
  };
  const issuer = url(document.issuer, "issuer");
  const endpoints: AgentAuthEndpoints = {
    ...(rawEndpoints as Partial<AgentAuthEndpoints>),
    register: url(endpoint("register", "registration_endpoint"), "endpoints.register"),
    capabilities: url(endpoint("capabilities", "capabilities_endpoint"), "endpoints.capabilities"),
    execute: url(endpoint("execute") ?? document.default_location, "endpoints.execute"),
    request_capability: url(endpoint("request_capability"), "endpoints.request_capability"),
    status: url(endpoint("status"), "endpoints.status"),
  };
  const algorithms = list(document.algorithms, "algorithms");
  const modes = list(document.modes, "modes");
  const approvalMethods = list(document.approval_methods, "approval_methods");
  if (missing.length > 0) {
    throw new AgentDiscoveryError("discovery_incomplete", `${source} lacks ${missing.join(", ")}`, missing);
  }
  if (!algorithms.includes("Ed25519")) {
    throw new AgentDiscoveryError(
      "unsupported_algorithm",
      `${source}: the server accepts ${algorithms.join(", ") || "no"} keys; this SDK signs with Ed25519`,
    );
  }
  if (!modes.includes("delegated")) {
    throw new AgentDiscoveryError(
      "unsupported_mode",
      `${source}: the server accepts ${modes.join(", ") || "no"} agents; this SDK registers delegated agents`,
    );
  }
  return { ...(document as Partial<AgentConfiguration>), issuer, algorithms, modes, approval_methods: approvalMethods, endpoints };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
