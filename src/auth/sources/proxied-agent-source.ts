import { timingSafeEqual } from "node:crypto";
import type { Request } from "express";
import type { Kysely } from "kysely";
import { PROXIED_AGENT_HEADER } from "../../agents/execute/proxy-call.js";
import { resolveProxiedAgent } from "../../agents/principal/proxied-agent.js";
import type { Database } from "../../db/schema.js";
import { httpProblem } from "../../http/problem-titles.js";
import type { Principal } from "../principal.js";
import type { ApiKeySource } from "./api-key-source.js";
import type { PrincipalSource } from "./principal-source.js";

/**
 * `x-api-key` with `x-agent-id`: an auth server running agents'
 * `capability/execute` elsewhere calls this API with its proxy key, naming
 * the agent it verified; the caller is that agent. Listed before the API key
 * source, which would take the request as the key's own.
 */
export class ProxiedAgentSource implements PrincipalSource {
  readonly name = "proxied-agent";

  constructor(
    private readonly apiKeys: ApiKeySource,
    private readonly db: Kysely<Database>,
    /** AGENT_PROXY_API_KEY: the only key whose caller may name an agent; unset: no key may. */
    private readonly proxyApiKey: string | undefined,
  ) {}

  matches(req: Request): boolean {
    return this.apiKeys.matches(req) && req.get(PROXIED_AGENT_HEADER) !== undefined;
  }

  async resolve(req: Request): Promise<Principal> {
    // The key is checked first, as for any key: an unknown one is a 401 whatever it names.
    const proxy = await this.apiKeys.resolve(req);
    // Any member's key naming an agent would borrow that agent's grants: only the configured proxy key vouches for agents.
    if (!isProxyKey(req.get("x-api-key") ?? "", this.proxyApiKey)) {
      throw httpProblem(403, "proxy_key_required", `Only the key configured as AGENT_PROXY_API_KEY may send ${PROXIED_AGENT_HEADER}.`);
    }
    return resolveProxiedAgent(this.db, proxy, req.get(PROXIED_AGENT_HEADER) ?? "");
  }
}

function isProxyKey(apiKey: string, proxyApiKey: string | undefined): boolean {
  if (!proxyApiKey) return false;
  const given = Buffer.from(apiKey);
  const wanted = Buffer.from(proxyApiKey);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
