/*
 * The console's routes over HTTP, as an attacker would call them: return_to
 * never leaves the site, every new POST needs this browser's CSRF token,
 * a plain member cannot mint an admin key, nobody touches another user's
 * keys, and every successful POST ends in a 303.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeReturnPath } from "../../src/pages/sign-in.js";
import { signInCookie } from "../support/merchant.js";
import {
  BUSY_MERCHANT,
  createStoreOwner,
  issueApiKey,
  type StoreOwner,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from "../support/test-app.js";
import { PageClient } from "./console-client.js";

let app: TestApp;
let owner: StoreOwner;
let member: { userId: string; email: string };

beforeAll(async () => {
  app = await startTestApp({ rateLimits: BUSY_MERCHANT });
  owner = await createStoreOwner(app.auth, "Console Store");
  const email = `member-${Date.now()}@example.com`;
  const { user } = await app.auth.api.signUpEmail({ body: { email, password: TEST_PASSWORD, name: "Mia Member" } });
  await app.auth.api.addMember({ body: { userId: user.id, organizationId: owner.organizationId, role: "member" } });
  member = { userId: user.id, email };
});

afterAll(async () => {
  await app?.close();
});

async function signedIn(email: string): Promise<PageClient> {
  const client = new PageClient(app);
  const answer = await client.signIn(email, TEST_PASSWORD);
  expect(answer.status).toBe(303);
  return client;
}

/** The user's keys as stored (the schema types only the columns the API reads, so the rest is cast). */
async function keysOf(userId: string): Promise<{ id: string; name: string | null; metadata: unknown }[]> {
  const rows = await app.db.selectFrom("apikey").selectAll().where("referenceId", "=", userId).execute();
  return rows as unknown as { id: string; name: string | null; metadata: unknown }[];
}

const HOSTILE_RETURNS = [
  "//evil.example",
  "//evil.example/agents",
  "https://evil.example",
  "http:evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  " /agents",
  "javascript:alert(1)",
  "/.//evil.example",
  "evil.example",
  "",
];

describe("return_to (no open redirect)", () => {
  it("keeps only paths of this site", () => {
    for (const value of HOSTILE_RETURNS) expect(safeReturnPath(value, "/"), JSON.stringify(value)).toBe("/");
    expect(safeReturnPath(["/agents"], "/")).toBe("/");
    expect(safeReturnPath(`/${"a".repeat(3000)}`, "/")).toBe("/");
    expect(safeReturnPath("/agents/approvals?x=1#top", "/")).toBe("/agents/approvals?x=1#top");
    expect(safeReturnPath("/account/passkeys?return_to=%2Fagents", "/")).toBe("/account/passkeys?return_to=%2Fagents");
  });

  it("the sign-in page and form send a hostile return_to home, and a good one back where it came from", async () => {
    for (const value of HOSTILE_RETURNS) {
      const client = new PageClient(app);
      const page = await client.get(`/account/sign-in?${new URLSearchParams({ return_to: value })}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="return_to" value="/"');
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const answer = await client.post("/account/sign-in", { csrf, email: owner.email, password: TEST_PASSWORD, return_to: value });
      expect(answer.status, JSON.stringify(value)).toBe(303);
      expect(answer.location).toBe("/");
      // Signed in already: the page goes on at once, still never off-site.
      const again = await client.get(`/account/sign-in?${new URLSearchParams({ return_to: value })}`);
      expect(again.status).toBe(303);
      expect(again.location).toBe("/");
    }
    const client = new PageClient(app);
    const csrf = await client.csrfToken("/account/sign-in?return_to=%2Fagents%2Fapprovals");
    const answer = await client.post("/account/sign-in", {
      csrf,
      email: owner.email,
      password: TEST_PASSWORD,
      return_to: "/agents/approvals",
    });
    expect(answer.location).toBe("/agents/approvals");
  });
});

describe("landing page and layout", () => {
  it("signed out: what this is, the sign-in form, a skip link, navigation and <main>", async () => {
    const page = await new PageClient(app).get("/");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a class="skip" href="#main">');
    expect(page.text).toContain('<main id="main"');
    expect(page.text).toContain('<nav aria-label="Console">');
    expect(page.text).toContain('action="/account/sign-in"');
    expect(page.text).not.toContain("Sign out");
  });

  it("signed in: store, links with the pending count, a sign-out form; the other pages share the header", async () => {
    const client = await signedIn(owner.email);
    const page = await client.get("/");
    expect(page.text).toContain("Store: <strong>Console Store</strong>");
    expect(page.text).toContain("Approvals (0 waiting)");
    for (const path of ["/agents", "/agents/approvals", "/account/api-keys", "/account/passkeys", "/docs"])
      expect(page.text).toContain(`href="${path}"`);
    for (const path of ["/agents", "/agents/approvals", "/account/passkeys", "/account/api-keys", "/device/capabilities"]) {
      const other = await client.get(path);
      expect(other.text, path).toContain('action="/account/sign-out"');
      expect(other.text, path).toContain('<main id="main"');
    }
  });

  it("a first visit sets one CSRF cookie, and every form of the page (header included) carries its token", async () => {
    const cookie = await signInCookie(app, owner.email, TEST_PASSWORD);
    for (const path of ["/", "/agents", "/account/api-keys"]) {
      const response = await fetch(`${app.baseUrl}${path}`, { headers: { cookie } });
      const set = response.headers.getSetCookie().filter((item) => item.startsWith("commerce_csrf="));
      expect(set, path).toHaveLength(1);
      const tokens = new Set([...(await response.text()).matchAll(/name="csrf" value="([^"]+)"/g)].map((match) => match[1]));
      expect(tokens.size, path).toBe(1);
    }
  });

  it("the store switcher sets the session's active store, only to a store of the user's", async () => {
    const zeta = await createStoreOwner(app.auth, "Zeta Store");
    await app.auth.api.createOrganization({ body: { name: "Alpha Store", slug: `alpha-${Date.now()}`, userId: zeta.userId } });
    const stranger = await createStoreOwner(app.auth, "Stranger Store");
    const client = await signedIn(zeta.email);
    // No store chosen yet: the first by name.
    expect((await client.get("/")).text).toContain("Store: <strong>Alpha Store</strong>");
    const csrf = await client.csrfToken("/");

    const forged = await client.post("/account/store", { csrf: "forged", organization_id: zeta.organizationId });
    expect(forged.status).toBe(403);
    expect((await client.get("/")).text).toContain("Store: <strong>Alpha Store</strong>");

    const switched = await client.post("/account/store", { csrf, organization_id: zeta.organizationId });
    expect(switched.status).toBe(303);
    const landing = await client.get(switched.location!);
    expect(landing.text).toContain("Store: <strong>Zeta Store</strong>");
    expect(landing.text).toContain("Switched store");
    expect((await client.get("/account/api-keys")).text).toContain("Your API keys for <strong>Zeta Store</strong>");

    const refused = await client.post("/account/store", { csrf, organization_id: stranger.organizationId });
    expect(refused.status).toBe(303);
    expect(refused.location).toBe("/?notice=not-a-member");
    const after = await client.get(refused.location!);
    expect(after.text).toContain("Store: <strong>Zeta Store</strong>");
    expect(after.text).not.toContain("Stranger Store");
  });
});

describe("sign-out", () => {
  it("refuses without this browser's CSRF token (still signed in), then ends the Better Auth session", async () => {
    const client = await signedIn(owner.email);
    const forged = await client.post("/account/sign-out", { csrf: "forged" });
    expect(forged.status).toBe(403);
    const crossSite = await client.post("/account/sign-out", { csrf: await client.csrfToken("/") }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect((await client.get("/agents")).text).toContain('action="/account/sign-out"');

    const sessionCookie = client.cookieHeader;
    const answer = await client.post("/account/sign-out", { csrf: await client.csrfToken("/") });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe("/");
    const agents = await client.get("/agents");
    expect(agents.text).toContain('action="/account/sign-in"');
    // The old cookie is dead on the server too, not just forgotten by the browser.
    const replayed = await fetch(`${app.baseUrl}/api/auth/get-session`, { headers: { cookie: sessionCookie } });
    expect(await replayed.json()).toBeNull();
  });
});

describe("API keys", () => {
  it("refuses creating and revoking without this browser's CSRF token: nothing created, nothing deleted", async () => {
    const client = await signedIn(owner.email);
    await client.csrfToken("/account/api-keys");
    const before = (await keysOf(owner.userId)).length;
    const create = await client.post("/account/api-keys", {
      csrf: "forged",
      organization_id: owner.organizationId,
      name: "Forged",
      scopes: "storefront",
    });
    expect(create.status).toBe(403);
    expect(await keysOf(owner.userId)).toHaveLength(before);

    // A cross-site form with no token at all, the session cookie riding along.
    const key = await issueApiKey(app.auth, owner.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const [row] = (await keysOf(owner.userId)).filter((item) => item.name === "test");
    const revoke = await fetch(`${app.baseUrl}/account/api-keys/revoke`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: await signInCookie(app, owner.email, TEST_PASSWORD),
        origin: app.baseUrl,
      },
      body: new URLSearchParams({ key_id: row!.id }),
      redirect: "manual",
    });
    expect(revoke.status).toBe(403);
    expect((await fetch(`${app.baseUrl}/v1/products`, { headers: { "x-api-key": key } })).status).toBe(200);
  });

  it("a member cannot create an admin key (403, nothing created), but may create a storefront key", async () => {
    const client = await signedIn(member.email);
    const page = await client.get("/account/api-keys");
    expect(page.text).not.toContain('value="admin"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    for (const scopes of [["admin"], ["storefront", "admin"]]) {
      const refused = await client.post("/account/api-keys", { csrf, organization_id: owner.organizationId, name: "Sneaky", scopes });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain("Only the owners and admins");
    }
    expect(await keysOf(member.userId)).toHaveLength(0);

    const created = await client.post("/account/api-keys", {
      csrf,
      organization_id: owner.organizationId,
      name: "Shop",
      scopes: "storefront",
    });
    expect(created.status).toBe(303);
    const rows = await keysOf(member.userId);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(String(rows[0]!.metadata))).toEqual({ organizationId: owner.organizationId, scopes: ["storefront"] });
  });

  it("refuses a store the user is not a member of, a bad name and no scope, each creating nothing", async () => {
    const stranger = await createStoreOwner(app.auth, "Elsewhere");
    const client = await signedIn(member.email);
    const csrf = await client.csrfToken("/account/api-keys");
    const before = (await keysOf(member.userId)).length;
    const otherStore = await client.post("/account/api-keys", {
      csrf,
      organization_id: stranger.organizationId,
      name: "X",
      scopes: "storefront",
    });
    expect(otherStore.status).toBe(403);
    for (const [form, notice] of [
      [{ name: "   ", scopes: "storefront" }, "key-name-needed"],
      [{ name: "x".repeat(65), scopes: "storefront" }, "key-name-needed"],
      [{ name: "tab\there", scopes: "storefront" }, "key-name-needed"],
      [{ name: "No scope" }, "key-scope-needed"],
      [{ name: "Odd scope", scopes: "superuser" }, "key-scope-needed"],
    ] as const) {
      const answer = await client.post("/account/api-keys", { csrf, organization_id: owner.organizationId, ...form });
      expect(answer.status).toBe(303);
      expect(answer.location).toBe(`/account/api-keys?notice=${notice}`);
      expect((await client.get(answer.location!)).text).toContain('role="alert"');
    }
    expect(await keysOf(member.userId)).toHaveLength(before);
  });

  it("shows a new key's secret once, lists it without the secret, and revokes only after confirming", async () => {
    const client = await signedIn(owner.email);
    const csrf = await client.csrfToken("/account/api-keys");
    const created = await client.post("/account/api-keys", {
      csrf,
      organization_id: owner.organizationId,
      name: "Admin tool",
      scopes: ["storefront", "admin"],
    });
    expect(created.status).toBe(303);
    const first = await client.get(created.location!);
    const secret = /id="new-key" type="text" readonly value="([^"]+)"/.exec(first.text)?.[1];
    expect(secret).toBeDefined();
    expect((await fetch(`${app.baseUrl}/v1/admin/orders`, { headers: { "x-api-key": secret! } })).status).toBe(200);

    const reload = await client.get(created.location!);
    expect(reload.text).not.toContain(secret!);
    expect(reload.text).toContain("Admin tool");
    expect(reload.text).toContain(secret!.slice(0, 6));

    const row = (await keysOf(owner.userId)).find((item) => item.name === "Admin tool")!;
    const confirm = await client.get(`/account/api-keys/revoke?key=${row.id}`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain("Revoke the API key <strong>Admin tool</strong>");
    expect((await keysOf(owner.userId)).some((item) => item.id === row.id)).toBe(true);

    const revoked = await client.post("/account/api-keys/revoke", { csrf, key_id: row.id });
    expect(revoked.status).toBe(303);
    expect(revoked.location).toBe("/account/api-keys?notice=key-revoked");
    expect((await keysOf(owner.userId)).some((item) => item.id === row.id)).toBe(false);
    expect((await fetch(`${app.baseUrl}/v1/admin/orders`, { headers: { "x-api-key": secret! } })).status).toBe(401);
    const again = await client.post("/account/api-keys/revoke", { csrf, key_id: row.id });
    expect(again.location).toBe("/account/api-keys?notice=key-missing");
  });

  it("never shows or revokes another user's key, nor lists another store's", async () => {
    const theirs = await issueApiKey(app.auth, member.userId, { organizationId: owner.organizationId, scopes: ["storefront"] });
    const row = (await keysOf(member.userId)).find((item) => item.name === "test")!;
    const client = await signedIn(owner.email);
    expect((await client.get(`/account/api-keys/revoke?key=${row.id}`)).status).toBe(404);
    const csrf = await client.csrfToken("/account/api-keys");
    const answer = await client.post("/account/api-keys/revoke", { csrf, key_id: row.id });
    expect(answer.location).toBe("/account/api-keys?notice=key-missing");
    expect((await fetch(`${app.baseUrl}/v1/products`, { headers: { "x-api-key": theirs } })).status).toBe(200);

    const elsewhere = await createStoreOwner(app.auth, "Owner's Other Store");
    await app.auth.api.addMember({ body: { userId: owner.userId, organizationId: elsewhere.organizationId, role: "member" } });
    await issueApiKey(app.auth, owner.userId, { organizationId: elsewhere.organizationId, scopes: ["storefront"] });
    const list = await client.get("/account/api-keys");
    expect(list.text).not.toContain(row.id);
    const ownRows = await keysOf(owner.userId);
    const otherStoreKey = ownRows.find((item) => String(item.metadata).includes(elsewhere.organizationId))!;
    expect(list.text).not.toContain(otherStoreKey.id);
  });

  it("a forged reveal cookie shows nothing; a signed-out visitor gets the sign-in form", async () => {
    const client = await signedIn(owner.email);
    const page = await fetch(`${app.baseUrl}/account/api-keys`, {
      headers: { cookie: `${client.cookieHeader}; commerce_new_api_key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; commerce_csrf=%E0` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('id="new-key"');
    const signedOut = await new PageClient(app).get("/account/api-keys");
    expect(signedOut.status).toBe(200);
    expect(signedOut.text).toContain('action="/account/sign-in"');
  });
});
