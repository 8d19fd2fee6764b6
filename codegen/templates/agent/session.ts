/*
 * An agent session: what it takes to sign requests as a registered agent.
 * The private key is imported once; every `createJwt()` mints a new token.
 */
import type { CryptoKey } from "jose";
import type { Ed25519PrivateJwk } from "./identity.js";
import { importSigningKey, signAgentJwt } from "./jwt.js";

export interface AgentSession {
  readonly agentId: string;
  readonly hostId: string | undefined;
  /** The `aud` of the agent's JWTs: the discovery `issuer`, which the server accepts for every endpoint. */
  readonly audience: string;
  /**
   * A new agent JWT with a fresh `jti`: one per request, never reused (the
   * server rejects replays). `audience` defaults to the issuer (protocol
   * endpoints); API calls use `<api origin>/v1` (see middleware.ts).
   */
  createJwt(audience?: string): Promise<string>;
}

export interface AgentSessionOptions {
  readonly agentId: string;
  readonly hostId?: string;
  readonly agentPrivateKey: Ed25519PrivateJwk | CryptoKey;
  readonly audience: string;
  /** At most 60 s; shorter tokens leak less if logged. */
  readonly lifetimeSeconds?: number;
}

export async function createAgentSession(options: AgentSessionOptions): Promise<AgentSession> {
  const key = await importSigningKey(options.agentPrivateKey);
  const { agentId, hostId, audience, lifetimeSeconds } = options;
  return {
    agentId,
    hostId,
    audience,
    createJwt: (tokenAudience = audience) =>
      signAgentJwt({
        agentPrivateKey: key,
        agentId,
        audience: tokenAudience,
        ...(hostId ? { hostId } : {}),
        ...(lifetimeSeconds ? { lifetimeSeconds } : {}),
      }),
  };
}
