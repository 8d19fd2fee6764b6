import { createAuthMiddleware } from "better-auth/api";
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from "jose";
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../db/schema.js";

export const ROTATE_HOST_KEY_PATH = "/host/rotate-key";

/** The plugin's host JWT max age (60 s) plus its clock skew tolerance (30 s). */
const MAX_TOKEN_AGE_SECONDS = 90;

/**
 * `host/rotate-key` by key thumbprint. Protocol clients name their host by its
 * key's JWK thumbprint (the host JWT's `iss`); the plugin's rotate endpoint
 * looks the host up by id only, so every host whose id is not that thumbprint
 * (made by `host/create`, which gives a random id) gets 404 `host_not_found`,
 * although every other host route finds it by id *or* kid.
 *
 * Why rename the host rather than rewrite the request: the plugin verifies the
 * signed token and then demands `payload.iss === host.id`. A hook cannot
 * re-sign the token, and rewriting `iss` would break the signature, so the
 * only thing that lets the plugin accept the client's own token is a host
 * whose id *is* that `iss`. The plugin itself names hosts by their key's
 * thumbprint (at registration and at every rotation, where the id becomes the
 * new key's thumbprint), so here, once the caller has proved it holds the
 * host's current key (its signature verifies against the stored key), the
 * host takes the id the plugin would have given that key: its thumbprint (or
 * its stored kid, when that is what the client sent). Migration 0007's
 * ON UPDATE CASCADE carries the host's agents and approval requests along.
 * Then the plugin runs unchanged: it finds the host, checks the signature,
 * spends the `jti` and rotates. Should the rotation itself fail (a bad new
 * key), the host simply keeps its current key under its thumbprint id.
 *
 * Nothing is renamed for a token that does not verify, for hosts with a JWKS
 * URL (their keys are not ours to name), or when a host already has the id.
 */
export function hostRotationLookup(db: Kysely<Database>) {
  return {
    matcher: (ctx: { path?: string }) => ctx.path === ROTATE_HOST_KEY_PATH,
    handler: createAuthMiddleware(async (ctx) => {
      const token = (ctx.headers?.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
      let iss: unknown;
      let inlineKey: unknown;
      try {
        if (decodeProtectedHeader(token).typ !== "host+jwt") return;
        const claims = decodeJwt(token);
        iss = claims.iss;
        inlineKey = claims.host_public_key;
      } catch {
        return; // the plugin refuses what it cannot decode
      }
      if (typeof iss !== "string" || iss.length === 0) return;
      const byId = await db.selectFrom("agentHost").select("id").where("id", "=", iss).executeTakeFirst();
      if (byId) return; // the plugin finds it itself

      const host = await hostNamedBy(db, iss, inlineKey);
      if (!host) return; // the plugin answers 404
      if (!(await signedWith(token, host.key))) return; // the plugin answers 401
      await db.updateTable("agentHost").set({ id: iss }).where("id", "=", host.id).execute();
    }),
  };
}

interface KeyedHost {
  readonly id: string;
  readonly key: JWK;
}

/** The host whose stored kid is `iss`, else whose stored key's thumbprint is `iss` (found through the key the token carries). */
async function hostNamedBy(db: Kysely<Database>, iss: string, inlineKey: unknown): Promise<KeyedHost | undefined> {
  const byKid = await sql<{ id: string; publicKey: string | null; jwksUrl: string | null }>`
    select id, "publicKey", "jwksUrl" from "agentHost" where kid = ${iss} limit 1
  `.execute(db);
  const kidRow = byKid.rows[0];
  if (kidRow) return keyedHost(kidRow);

  if (!isPublicJwk(inlineKey) || (await calculateJwkThumbprint(inlineKey)) !== iss) return undefined;
  // Candidates share the key's `x` (a plain substring test, no pattern characters); each is then checked by thumbprint.
  const candidates = await sql<{ id: string; publicKey: string | null; jwksUrl: string | null }>`
    select id, "publicKey", "jwksUrl" from "agentHost" where strpos("publicKey", ${inlineKey.x}) > 0 limit 5
  `.execute(db);
  for (const row of candidates.rows) {
    const host = keyedHost(row);
    if (host && (await calculateJwkThumbprint(host.key)) === iss) return host;
  }
  return undefined;
}

function keyedHost(row: { id: string; publicKey: string | null; jwksUrl: string | null }): KeyedHost | undefined {
  if (row.jwksUrl || !row.publicKey) return undefined;
  try {
    const key: unknown = JSON.parse(row.publicKey);
    return isPublicJwk(key) ? { id: row.id, key } : undefined;
  } catch {
    return undefined;
  }
}

function isPublicJwk(value: unknown): value is JWK & { kty: string; x: string } {
  if (typeof value !== "object" || value === null) return false;
  const key = value as Record<string, unknown>;
  return typeof key.kty === "string" && typeof key.x === "string" && key.x.length > 0 && key.d === undefined;
}

/** Whether the host JWT verifies against the host's stored key (EdDSA only, fresh). */
async function signedWith(token: string, key: JWK): Promise<boolean> {
  try {
    await jwtVerify(token, await importJWK({ ...key, alg: "EdDSA" }, "EdDSA"), {
      algorithms: ["EdDSA"],
      typ: "host+jwt",
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
    });
    return true;
  } catch {
    return false;
  }
}
