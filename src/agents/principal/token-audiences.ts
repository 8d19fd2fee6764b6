/**
 * Which `aud` values the fast verifier accepts. Two kinds:
 * - the API's own, `<API_PUBLIC_URL origin>/v1` (what our SDK signs);
 * - the protocol's, exactly the set the agent-auth plugin accepts on every
 *   one of its routes (0.6.2 `verifyAudience`): Better Auth's origin, its
 *   base URL (the issuer, `<origin>/api/auth`) and the execute URL, each also
 *   on the origin a trusted proxy reports. Reference clients sign execute
 *   calls for the execute URL.
 * The Host header is pinned (pinned-host.ts), so none of these come from a
 * caller. Capabilities with their own `location` would add that URL on the
 * plugin's side; ours have none.
 */
export function apiAudiences(publicOrigin: string, extraOrigins: readonly string[]): string[] {
  return [publicOrigin, ...extraOrigins].map((origin) => `${origin}/v1`);
}

export function protocolAudiences(authBaseUrl: string, extraOrigins: readonly string[]): string[] {
  const base = new URL(authBaseUrl);
  const basePath = base.pathname.replace(/\/$/, "");
  return [base.origin, ...extraOrigins].flatMap((origin) => [origin, `${origin}${basePath}`, `${origin}${basePath}/capability/execute`]);
}

/** The token's single audience when it is one of `accepted` (several audiences never match: see single-audience.ts). */
export function acceptedAudience(aud: unknown, accepted: readonly string[]): string | undefined {
  const value = Array.isArray(aud) ? (aud.length === 1 ? aud[0] : undefined) : aud;
  return typeof value === "string" && accepted.includes(value) ? value : undefined;
}
