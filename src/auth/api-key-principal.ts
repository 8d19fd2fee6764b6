import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { Auth } from "./create-auth.js";
import { membershipScopes } from "./membership.js";
import type { Principal, Scope } from "./principal.js";

const KNOWN_SCOPES: readonly Scope[] = ["storefront", "admin"];

/** What we store in an API key's metadata when issuing it. */
export interface ApiKeyMetadata {
  organizationId: string;
  scopes: Scope[];
}

/**
 * Resolves an `x-api-key`. The key's metadata names its organization and
 * scopes, but metadata is user-writable when keys are created over HTTP, so
 * it is not trusted alone: the key's owner must still be a member of that
 * organization, and the effective scopes are those the metadata grants AND
 * the owner's role allows. Returns null for an unknown, disabled or expired
 * key, or one whose owner left the organization.
 */
export async function resolveApiKey(auth: Auth, db: Kysely<Database>, key: string): Promise<Principal | null> {
  const result = await auth.api.verifyApiKey({ body: { key } }).catch(() => null);
  if (!result?.valid || !result.key) return null;
  const metadata = parseMetadata(result.key.metadata);
  if (!metadata) return null;
  const userId = result.key.referenceId;
  const allowed = await membershipScopes(db, metadata.organizationId, userId);
  const scopes = new Set(metadata.scopes.filter((scope) => allowed.has(scope)));
  if (allowed.size === 0) return null;
  return { kind: "api_key", organizationId: metadata.organizationId, userId, credentialId: result.key.id, scopes };
}

function parseMetadata(raw: unknown): ApiKeyMetadata | null {
  const value = typeof raw === "string" ? safeJson(raw) : raw;
  if (typeof value !== "object" || value === null) return null;
  const { organizationId, scopes } = value as { organizationId?: unknown; scopes?: unknown };
  if (typeof organizationId !== "string" || !Array.isArray(scopes)) return null;
  return { organizationId, scopes: scopes.filter((scope): scope is Scope => KNOWN_SCOPES.includes(scope as Scope)) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
