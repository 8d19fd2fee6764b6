import type { TestApp } from "../../support/test-app.js";

/** A signed-in browser's view of a page: its cookies (session + CSRF) and the page's CSRF token. */
export interface FormSession {
  readonly cookie: string;
  readonly token: string;
}

/** Opens `path` with the session cookie and reads the CSRF token its forms carry. */
export async function formSession(app: TestApp, sessionCookie: string, path: string): Promise<FormSession> {
  const response = await fetch(`${app.baseUrl}${path}`, { headers: { cookie: sessionCookie } });
  const html = await response.text();
  const csrfCookie = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no form on ${path} (${response.status})`);
  return { cookie: csrfCookie ? `${sessionCookie}; ${csrfCookie}` : sessionCookie, token };
}

/** Posts a page form as that browser would (same origin, no redirect followed). */
export async function postForm(
  app: TestApp,
  session: FormSession,
  path: string,
  fields: Record<string, string>,
): Promise<{ status: number; text: string; location: string | null }> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: session.cookie, origin: app.baseUrl },
    body: new URLSearchParams({ csrf: session.token, ...fields }),
    redirect: "manual",
  });
  return { status: response.status, text: await response.text(), location: response.headers.get("location") };
}
