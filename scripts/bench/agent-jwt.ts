/**
 * Agent JWTs for the bench, signed synchronously with node:crypto: autocannon
 * builds each request in a synchronous `setupRequest`, so the SDK's async
 * signer (WebCrypto via jose) cannot be used there. Same token as the SDK's:
 * `typ: agent+jwt`, EdDSA, `sub` = agent id, a fresh `jti` per request.
 */
import { createPrivateKey, type KeyObject, randomUUID, sign } from "node:crypto";

export interface AgentJwtSigner {
  /** A new single-use token. */
  next(): string;
}

export function createAgentJwtSigner(
  privateJwk: { kty: string; crv: string; x: string; d: string },
  agentId: string,
  audience: string,
): AgentJwtSigner {
  const key: KeyObject = createPrivateKey({ key: privateJwk, format: "jwk" });
  const header = encode({ alg: "EdDSA", typ: "agent+jwt" });
  return {
    next() {
      const now = Math.floor(Date.now() / 1000);
      const payload = encode({ sub: agentId, aud: audience, iat: now, exp: now + 60, jti: randomUUID() });
      const signature = sign(null, Buffer.from(`${header}.${payload}`), key).toString("base64url");
      return `${header}.${payload}.${signature}`;
    },
  };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
