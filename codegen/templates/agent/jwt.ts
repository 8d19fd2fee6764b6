/*
 * The two JWTs of the protocol, both EdDSA over Ed25519 and both single-use:
 * every token gets a fresh random `jti` (the server remembers jtis and
 * rejects a replay) and a lifetime of at most 60 s (the server's max age).
 *
 * - host JWT (`typ: host+jwt`): signed with the host key, proves which host
 *   registers an agent (and may ask about its agents' status).
 * - agent JWT (`typ: agent+jwt`): signed with the agent key, one per request.
 */
import { randomUUID } from "node:crypto";
import { type CryptoKey, importJWK, SignJWT } from "jose";
import type { Ed25519PrivateJwk, Ed25519PublicJwk } from "./identity.js";

/** The server rejects tokens older than this (plugin `jwtMaxAge`, 60 s by default). */
export const MAX_JWT_LIFETIME_SECONDS = 60;

/** A private key, as stored (JWK) or already imported (faster when signing per request). */
export type SigningKey = Ed25519PrivateJwk | CryptoKey;

export interface HostJwtOptions {
  readonly hostPrivateKey: SigningKey;
  /** The host's public key, sent inline so a server that does not know the host yet can register it. */
  readonly hostPublicJwk: Ed25519PublicJwk;
  /** The id the server assigned; becomes `iss` (absent on first contact). */
  readonly hostId?: string;
  /** Who the token is for: the discovery `issuer` (the server also accepts its origin). */
  readonly audience: string;
  /** The agent key being registered (`agent_public_key`). */
  readonly agentPublicJwk?: Ed25519PublicJwk;
  /** Shown to the merchant on the approval page. */
  readonly hostName?: string;
  readonly lifetimeSeconds?: number;
}

export interface AgentJwtOptions {
  readonly agentPrivateKey: SigningKey;
  /** Becomes `sub`. */
  readonly agentId: string;
  /** Becomes `iss` when known: the server then checks the agent belongs to that host. */
  readonly hostId?: string;
  readonly audience: string;
  readonly lifetimeSeconds?: number;
}

/** Imports a private JWK for signing (do it once, sign many times). */
export async function importSigningKey(key: SigningKey): Promise<CryptoKey> {
  if (!isJwk(key)) return key;
  // A private OKP JWK always imports as a CryptoKey (Uint8Array is for symmetric "oct" keys).
  return (await importJWK({ ...key }, "EdDSA")) as CryptoKey;
}

/** A host JWT for `agent/register` (with `agentPublicJwk`) or for host-authenticated calls. */
export async function signHostJwt(options: HostJwtOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    // Always inline, also once the host has an id: if the server lost the host
    // (a reset database), it can still register it instead of failing on `iss`.
    host_public_key: { ...options.hostPublicJwk },
  };
  if (options.agentPublicJwk) claims.agent_public_key = { ...options.agentPublicJwk };
  if (options.hostName) claims.host_name = options.hostName;
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", typ: "host+jwt" });
  if (options.hostId) jwt.setIssuer(options.hostId);
  return finish(jwt, options.audience, options.lifetimeSeconds).sign(await importSigningKey(options.hostPrivateKey));
}

/** An agent JWT: a fresh `jti` each call, never reuse the result for a second request. */
export async function signAgentJwt(options: AgentJwtOptions): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: "EdDSA", typ: "agent+jwt" }).setSubject(options.agentId);
  if (options.hostId) jwt.setIssuer(options.hostId);
  return finish(jwt, options.audience, options.lifetimeSeconds).sign(await importSigningKey(options.agentPrivateKey));
}

function finish(jwt: SignJWT, audience: string, lifetimeSeconds = MAX_JWT_LIFETIME_SECONDS): SignJWT {
  const lifetime = Math.min(Math.max(1, Math.floor(lifetimeSeconds)), MAX_JWT_LIFETIME_SECONDS);
  const now = Math.floor(Date.now() / 1000);
  return jwt
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .setJti(randomUUID());
}

function isJwk(key: SigningKey): key is Ed25519PrivateJwk {
  return typeof (key as Partial<Ed25519PrivateJwk>).d === "string";
}
