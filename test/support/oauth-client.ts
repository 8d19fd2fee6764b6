import { createHash, randomBytes } from "node:crypto";
import { request } from "node:http";

/**
 * An MCP client's OAuth steps over plain HTTP (what the SDK's client does),
 * and the merchant's consent through the consent page's own form, for tests
 * that drive the authorization server without a browser.
 */
export interface RegisteredClient {
  readonly clientId: string;
  readonly redirectUri: string;
}

export async function registerClient(
  baseUrl: string,
  name = "Test MCP client",
  redirectUri = "http://127.0.0.1:9/callback",
): Promise<RegisteredClient> {
  const response = await fetch(`${baseUrl}/api/auth/oauth2/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }),
  });
  const body = (await response.json()) as { client_id?: string };
  if (!response.ok || !body.client_id) throw new Error(`registration failed: ${response.status} ${JSON.stringify(body)}`);
  return { clientId: body.client_id, redirectUri };
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(
  baseUrl: string,
  client: RegisteredClient,
  challenge: string,
  resource: string,
  extra: Record<string, string> = {},
): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: "commerce offline_access",
    state: "state-123",
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource,
    ...extra,
  });
  return `${baseUrl}/api/auth/oauth2/authorize?${query.toString()}`;
}

/** Follows the authorization request as the signed-in merchant: where the plugin sends the browser. */
export async function authorize(url: string, cookie: string): Promise<URL> {
  const answer = await navigate(url, cookie);
  if (!answer.location) throw new Error(`authorize answered ${answer.status} without a redirect: ${answer.body}`);
  return new URL(answer.location, url);
}

/**
 * A browser's top-level GET (`sec-fetch-mode: navigate`), which fetch cannot
 * send (it always says `cors`, and the plugin then answers `{ redirect, url }`
 * as JSON instead of redirecting).
 */
export function navigate(url: string, cookie: string): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { cookie, accept: "text/html", "sec-fetch-mode": "navigate" } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, location: response.headers.location, body }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

export interface ConsentChoice {
  readonly decision: "approve" | "deny";
  readonly organizationId?: string;
  readonly tools?: readonly string[];
  readonly limits?: Readonly<Record<string, string>>;
}

/** Opens the consent page and submits its form: the answer's status and Location (the client's redirect, on success). */
export async function submitConsent(
  consentUrl: URL,
  cookie: string,
  choice: ConsentChoice,
): Promise<{ status: number; location: string | null; page: string }> {
  const page = await fetch(consentUrl, { headers: { cookie } });
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, location: null, page: html };
  const csrfCookie = page.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  const field = (name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]?.replaceAll("&amp;", "&") ?? "";
  const form = new URLSearchParams({ csrf: field("csrf"), oauth_query: field("oauth_query"), decision: choice.decision });
  if (choice.organizationId) form.set("organization_id", choice.organizationId);
  for (const tool of choice.tools ?? []) form.append("capabilities", tool);
  if (choice.limits) {
    form.set("limits", "1");
    for (const [name, value] of Object.entries(choice.limits)) form.set(name, value);
  }
  const answer = await fetch(new URL("/oauth/consent", consentUrl), {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: [cookie, csrfCookie].filter(Boolean).join("; "),
      origin: consentUrl.origin,
    },
    body: form,
    redirect: "manual",
  });
  return { status: answer.status, location: answer.headers.get("location"), page: await answer.text() };
}

export async function exchangeCode(
  baseUrl: string,
  client: RegisteredClient,
  code: string,
  verifier: string,
  resource: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/api/auth/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      code_verifier: verifier,
      resource,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
