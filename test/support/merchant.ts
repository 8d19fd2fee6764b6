import type { TestApp } from "./test-app.js";

/** A signed-in merchant's session cookie, from Better Auth's own sign-in endpoint over HTTP. */
export async function signInCookie(app: Pick<TestApp, "baseUrl">, email: string, password: string): Promise<string> {
  const response = await fetch(`${app.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (response.status === 429)
    throw new Error(
      `sign-in refused by the rate limits (${await response.text()}): a test file signing in this often can start its app with startTestApp({ rateLimits: BUSY_MERCHANT })`,
    );
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/** Calls the plugin's approval endpoint as the merchant (what the device page does, minus the page). */
export async function decideOverHttp(
  app: Pick<TestApp, "baseUrl">,
  cookie: string,
  body: { agent_id: string; action: "approve" | "deny"; user_code?: string; capabilities?: string[] },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.baseUrl}/api/auth/agent/approve-capability`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.baseUrl, cookie },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
