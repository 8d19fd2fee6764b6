import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** Signs up over HTTP as a browser would (Better Auth checks Origin on cookie-authenticated POSTs) and returns the cookie. */
async function signUp(email: string): Promise<string> {
  const response = await fetch(`${app.baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.baseUrl },
    body: JSON.stringify({ email, password: "password-1234", name: email }),
  });
  expect(response.status).toBe(200);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

async function authPost(cookie: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${app.baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.baseUrl, cookie },
    body: JSON.stringify(body),
  });
}

const call = (cookie: string, path: string) => fetch(`${app.baseUrl}${path}`, { headers: { cookie } });

describe("session cookies", () => {
  it("asks a signed-in user without an active store to choose one", async () => {
    const cookie = await signUp("lonely@example.com");
    const response = await call(cookie, "/v1/products");
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe("no_active_organization");
  });

  it("serves the active organization to its owner, admin operations included", async () => {
    const cookie = await signUp("owner@example.com");
    const created = await authPost(cookie, "/organization/create", { name: "Cookie Shop", slug: "cookie-shop" });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    expect((await authPost(cookie, "/organization/set-active", { organizationId: id })).status).toBe(200);

    expect((await call(cookie, "/v1/products")).status).toBe(200);
    expect((await call(cookie, "/v1/admin/orders")).status).toBe(200);
  });

  it("keeps plain members out of admin operations", async () => {
    const ownerCookie = await signUp("boss@example.com");
    const created = await authPost(ownerCookie, "/organization/create", { name: "Member Shop", slug: "member-shop" });
    const { id: organizationId } = (await created.json()) as { id: string };

    const memberCookie = await signUp("clerk@example.com");
    const user = await app.auth.api.getSession({ headers: new Headers({ cookie: memberCookie }) });
    await app.auth.api.addMember({ body: { userId: user!.user.id, organizationId, role: "member" } });
    expect((await authPost(memberCookie, "/organization/set-active", { organizationId })).status).toBe(200);

    expect((await call(memberCookie, "/v1/products")).status).toBe(200);
    const refused = await call(memberCookie, "/v1/admin/orders");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("insufficient_scope");
  });
});
