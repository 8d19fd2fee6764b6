import { type CapabilityName, capabilities } from "../../../generated/capabilities.js";
import type { HandlerResult, OperationCall } from "../../../generated/routes.js";
import { httpProblem } from "../../http/problem-titles.js";

/** Header naming the agent a proxied call acts for; only believed next to a valid proxy key (see proxied-agent.ts). */
export const PROXIED_AGENT_HEADER = "x-agent-id";

export interface ProxyTarget {
  /** API_PUBLIC_URL: where the API runs when it is not this server. */
  readonly apiUrl: string;
  /** AGENT_PROXY_API_KEY: an API key whose metadata names the store and scopes it may act in. */
  readonly apiKey: string;
  /** Gives up after this long (ms). Default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Proxy mode of `capability/execute`: the operation is called over HTTP at
 * the API with the proxy key, saying which agent it acts for; the API then
 * applies that agent's grants and tenant as for a direct call.
 */
export async function proxyOperationCall(
  target: ProxyTarget,
  capability: CapabilityName,
  call: OperationCall,
  agentId: string,
): Promise<HandlerResult> {
  const definition = capabilities[capability];
  const path = definition.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(String(call.params?.[name] ?? "")));
  const url = new URL(path, target.apiUrl);
  for (const [name, value] of Object.entries(call.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
  const headers: Record<string, string> = { "x-api-key": target.apiKey, [PROXIED_AGENT_HEADER]: agentId, accept: "application/json" };
  for (const [name, value] of Object.entries(call.headers ?? {})) headers[name] = String(value);
  if (call.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method: definition.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw httpProblem(502, "api_unreachable", `Calling ${url.origin} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { status: response.status, body: parseBody(await response.text()) };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { detail: text.slice(0, 500) };
  }
}
