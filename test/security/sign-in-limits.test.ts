import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../src/auth/client-address-header.js";
import { PRODUCTION_RATE_LIMITS } from "../../src/auth/rate-limits.js";
import { createStoreOwner, type StoreOwner, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * The attacker's view of sign-in, over real HTTP against production limits
 * (none relaxed): per-address buckets keyed by the socket (or, behind a
 * trusted proxy, X-Forwarded-For), and a per-account lock after repeated
 * failures. Each test sends from loopback addresses of its own (127.0.0.0/8 is
 * all loopback on Linux), so their buckets do not meet.
 */
const SIGN_IN_PER_ADDRESS = PRODUCTION_RATE_LIMITS.routes["/sign-in/*"]!.max;
const ACCOUNT = PRODUCTION_RATE_LIMITS.account;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

/** One HTTP request from a chosen source address, with whatever headers the attacker likes. */
function send(
  app: TestApp,
  from: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload?: string,
): Promise<Answer & { text: string }> {
  const url = new URL(path, app.baseUrl);
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        localAddress: from,
        agent: false,
        headers: payload === undefined ? headers : { "content-length": String(Buffer.byteLength(payload)), ...headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          const json =
            (response.headers["content-type"] ?? "").includes("json") && text ? (JSON.parse(text) as Record<string, unknown>) : {};
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: json, text });
        });
      },
    );
    call.on("error", reject);
    call.end(payload);
  });
}

/** POST /api/auth/sign-in/email from a chosen source address. */
function signIn(app: TestApp, from: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
  return send(
    app,
    from,
    "POST",
    "/api/auth/sign-in/email",
    { "content-type": "application/json", origin: app.baseUrl, ...headers },
    JSON.stringify({ email, password }),
  );
}

/** The merchant pages' sign-in form, posted the way a browser does (CSRF cookie and token from a page showing the form). */
async function signInOnPage(app: TestApp, from: string, email: string, password: string): Promise<Answer> {
  const form = await send(app, from, "GET", "/agents", {});
  const cookie = String(form.headers["set-cookie"]?.[0]).split(";")[0]!;
  const token = /name="csrf" value="([^"]+)"/.exec(form.text)![1]!;
  const body = new URLSearchParams({ csrf: token, return_to: "/agents", email, password }).toString();
  return send(
    app,
    from,
    "POST",
    "/account/sign-in",
    { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl, cookie },
    body,
  );
}

let sequence = 0;
/** An email no one has: a wrong sign-in for it spends the address's budget without touching any account's. */
function strangerEmail(): string {
  sequence += 1;
  return `stranger-${Date.now()}-${sequence}@example.com`;
}

/** The address Better Auth recorded for the user's newest session (it tracks the same address it limits on). */
async function lastSessionAddress(app: TestApp, userId: string): Promise<string | null> {
  const session = await app.db
    .selectFrom("session" as never)
    .select(["ipAddress" as never])
    .where("userId" as never, "=", userId as never)
    .orderBy("createdAt" as never, "desc")
    .executeTakeFirst();
  return (session as { ipAddress: string | null } | undefined)?.ipAddress ?? null;
}

async function failureRow(app: TestApp, email: string) {
  return app.db.selectFrom("sign_in_failures").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst();
}

/** Spends one address's whole sign-in budget on wrong passwords for strangers; each request may carry its own headers. */
async function exhaustAddress(
  app: TestApp,
  from: string,
  headersOf: (attempt: number) => Record<string, string> = () => ({}),
): Promise<void> {
  for (let attempt = 0; attempt < SIGN_IN_PER_ADDRESS; attempt += 1) {
    const answer = await signIn(app, from, strangerEmail(), "wrong-password", headersOf(attempt));
    expect(answer.status).toBe(401);
  }
}

describe("per-address sign-in limits (TRUST_PROXY off)", () => {
  let app: TestApp;
  let victim: StoreOwner;

  beforeAll(async () => {
    app = await startTestApp();
    victim = await createStoreOwner(app.auth, "Victim Store");
  });
  afterAll(async () => {
    await app?.close();
  });

  it("keys on the socket address: one address's wrong sign-ins do not lock out another client", async () => {
    await exhaustAddress(app, "127.0.0.10");
    const refused = await signIn(app, "127.0.0.10", victim.email, victim.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["x-retry-after"])).toBeGreaterThan(0);

    // Before, every client without X-Forwarded-For shared one bucket: the victim elsewhere was locked out too.
    const elsewhere = await signIn(app, "127.0.0.11", victim.email, victim.password);
    expect(elsewhere.status).toBe(200);
    expect(await lastSessionAddress(app, victim.userId)).toBe("127.0.0.11");
  });

  it("ignores X-Forwarded-For: rotating it does not give fresh buckets", async () => {
    await exhaustAddress(app, "127.0.0.12", (attempt) => ({ "x-forwarded-for": `203.0.113.${attempt + 1}` }));
    const next = await signIn(app, "127.0.0.12", strangerEmail(), "wrong-password", { "x-forwarded-for": "198.51.100.77" });
    expect(next.status).toBe(429);

    const signedIn = await signIn(app, "127.0.0.13", victim.email, victim.password, { "x-forwarded-for": "198.51.100.8" });
    expect(signedIn.status).toBe(200);
    expect(await lastSessionAddress(app, victim.userId)).toBe("127.0.0.13");
  });

  it("limits the merchant sign-in page too: it shares the address's sign-in budget with the API", async () => {
    for (let attempt = 0; attempt < SIGN_IN_PER_ADDRESS; attempt += 1) {
      expect((await signInOnPage(app, "127.0.0.16", strangerEmail(), "wrong-password")).status).toBe(401);
    }
    const page = await signInOnPage(app, "127.0.0.16", victim.email, victim.password);
    expect(page.status).toBe(429);
    expect(Number(page.headers["retry-after"])).toBeGreaterThan(0);
    expect((await signIn(app, "127.0.0.16", victim.email, victim.password)).status).toBe(429);

    const elsewhere = await signInOnPage(app, "127.0.0.17", victim.email, victim.password);
    expect(elsewhere.status).toBe(303);
    expect(String(elsewhere.headers["set-cookie"])).toContain("better-auth.session_token=");
    expect(await lastSessionAddress(app, victim.userId)).toBe("127.0.0.17");
  });

  it("ignores a forged client-address header", async () => {
    await exhaustAddress(app, "127.0.0.14", (attempt) => ({ [CLIENT_ADDRESS_HEADER]: `203.0.113.${attempt + 1}` }));
    const next = await signIn(app, "127.0.0.14", strangerEmail(), "wrong-password", { [CLIENT_ADDRESS_HEADER]: "198.51.100.99" });
    expect(next.status).toBe(429);

    const signedIn = await signIn(app, "127.0.0.15", victim.email, victim.password, { [CLIENT_ADDRESS_HEADER]: "198.51.100.9" });
    expect(signedIn.status).toBe(200);
    expect(await lastSessionAddress(app, victim.userId)).toBe("127.0.0.15");
  });
});

describe("per-address sign-in limits (TRUST_PROXY on)", () => {
  let app: TestApp;
  let user: StoreOwner;

  beforeAll(async () => {
    app = await startTestApp({ trustProxy: true });
    user = await createStoreOwner(app.auth, "Proxied Store");
  });
  afterAll(async () => {
    await app?.close();
  });

  it("believes X-Forwarded-For from the proxy: each forwarded client has its own bucket", async () => {
    // Every request comes from one socket (the proxy); the forwarded address tells the clients apart.
    await exhaustAddress(app, "127.0.0.20", () => ({ "x-forwarded-for": "203.0.113.50" }));
    const same = await signIn(app, "127.0.0.20", user.email, user.password, { "x-forwarded-for": "203.0.113.50" });
    expect(same.status).toBe(429);

    const other = await signIn(app, "127.0.0.20", user.email, user.password, {
      "x-forwarded-for": "203.0.113.51",
      [CLIENT_ADDRESS_HEADER]: "198.51.100.1",
    });
    expect(other.status).toBe(200);
    expect(await lastSessionAddress(app, user.userId)).toBe("203.0.113.51");
  });
});

describe("per-account sign-in lock", () => {
  let app: TestApp;
  let victim: StoreOwner;
  let bystander: StoreOwner;

  beforeAll(async () => {
    app = await startTestApp();
    [victim, bystander] = [await createStoreOwner(app.auth, "Locked Store"), await createStoreOwner(app.auth, "Bystander Store")];
  });
  afterAll(async () => {
    await app?.close();
  });

  it("locks an email after repeated failures from many addresses, for that email only, and lifts on its own", async () => {
    for (let attempt = 0; attempt < ACCOUNT.maxFailures; attempt += 1) {
      // One wrong password per address: no per-address limit is ever reached.
      const answer = await signIn(app, `127.0.1.${attempt + 1}`, victim.email, `wrong-${attempt}`);
      expect(answer.status).toBe(401);
    }
    const row = await failureRow(app, victim.email);
    expect(row?.failures).toBe(ACCOUNT.maxFailures);
    expect(row?.locked_until).toBeInstanceOf(Date);
    const lockedFor = (row!.locked_until!.getTime() - Date.now()) / 1000;
    expect(lockedFor).toBeGreaterThan(ACCOUNT.lockSeconds - 30);
    expect(lockedFor).toBeLessThanOrEqual(ACCOUNT.lockSeconds + 1);

    // Even the right password, from a fresh address, and with the address in different case.
    const locked = await signIn(app, "127.0.1.100", victim.email.toUpperCase(), victim.password);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: "TOO_MANY_FAILED_SIGN_INS" });
    expect(locked.body.message).toMatch(/try again in 15 minutes/i);
    const retryAfter = Number(locked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(ACCOUNT.lockSeconds - 30);
    expect(retryAfter).toBeLessThanOrEqual(ACCOUNT.lockSeconds);
    // Attempts during the lock are not counted: the lock does not grow.
    expect((await failureRow(app, victim.email))?.failures).toBe(ACCOUNT.maxFailures);

    // Server-side calls meet the same lock.
    await expect(app.auth.api.signInEmail({ body: { email: victim.email, password: victim.password } })).rejects.toMatchObject({
      statusCode: 429,
    });

    // Another account, from an address that just saw the lock, is unaffected.
    const other = await signIn(app, "127.0.1.100", bystander.email, bystander.password);
    expect(other.status).toBe(200);

    // The cool-off over (moved into the past here), the right password works and clears the count.
    await app.db
      .updateTable("sign_in_failures")
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where("email", "=", victim.email)
      .execute();
    const after = await signIn(app, "127.0.1.101", victim.email, victim.password);
    expect(after.status).toBe(200);
    expect(await failureRow(app, victim.email)).toBeUndefined();
  });

  it("treats an email without an account the same way (the lock tells nothing about who exists)", async () => {
    const nobody = strangerEmail();
    for (let attempt = 0; attempt < ACCOUNT.maxFailures; attempt += 1) {
      expect((await signIn(app, `127.0.2.${attempt + 1}`, nobody, "guess")).status).toBe(401);
    }
    const locked = await signIn(app, "127.0.2.100", nobody, "guess");
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: "TOO_MANY_FAILED_SIGN_INS" });
  });

  it("counts absurdly long emails too, without failing the request", async () => {
    // Random letters: a repeated one would compress under the btree key size limit.
    const long = `${randomBytes(2000).toString("hex")}@example.com`;
    for (let attempt = 0; attempt < ACCOUNT.maxFailures; attempt += 1) {
      expect((await signIn(app, `127.0.5.${attempt + 1}`, long, "guess")).status).toBe(401);
    }
    expect((await signIn(app, "127.0.5.100", long, "guess")).status).toBe(429);
  });

  it("counts only failures: a successful sign-in starts the count over", async () => {
    const user = await createStoreOwner(app.auth, "Typo Store");
    for (let attempt = 0; attempt < ACCOUNT.maxFailures - 1; attempt += 1) {
      expect((await signIn(app, `127.0.3.${attempt + 1}`, user.email, "typo")).status).toBe(401);
    }
    expect((await failureRow(app, user.email))?.failures).toBe(ACCOUNT.maxFailures - 1);
    expect((await signIn(app, "127.0.3.50", user.email, user.password)).status).toBe(200);
    expect(await failureRow(app, user.email)).toBeUndefined();
    expect((await signIn(app, "127.0.3.51", user.email, "typo")).status).toBe(401);
    expect((await failureRow(app, user.email))?.failures).toBe(1);
  });

  it("refuses a parallel burst beyond the limit: guesses in flight count before their verdict", async () => {
    const user = await createStoreOwner(app.auth, "Burst Store");
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, index) => signIn(app, `127.0.4.${index + 1}`, user.email, `burst-${index}`)),
    );
    const checked = answers.filter((answer) => answer.status === 401).length;
    expect(checked).toBeLessThanOrEqual(ACCOUNT.maxFailures);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(answers.length - checked);
    expect((await signIn(app, "127.0.4.100", user.email, user.password)).status).toBe(429);
  });

  it("keeps both counters in unlogged tables (no WAL flush per sign-in; see migrations 0006, 0007)", async () => {
    const { rows } = await sql<{ relname: string; relpersistence: string }>`
      select relname, relpersistence from pg_class where relname in ('rateLimit', 'sign_in_failures') and relkind = 'r' order by relname`.execute(
      app.db,
    );
    expect(rows).toEqual([
      { relname: "rateLimit", relpersistence: "u" },
      { relname: "sign_in_failures", relpersistence: "u" },
    ]);
  });

  it("holds for server-side calls without a request", async () => {
    const user = await createStoreOwner(app.auth, "Server Store");
    const signedIn = await app.auth.api.signInEmail({ body: { email: user.email, password: user.password } });
    expect(signedIn.token).toEqual(expect.any(String));
    for (let attempt = 0; attempt < ACCOUNT.maxFailures; attempt += 1) {
      await expect(app.auth.api.signInEmail({ body: { email: user.email, password: "wrong" } })).rejects.toMatchObject({ statusCode: 401 });
    }
    await expect(app.auth.api.signInEmail({ body: { email: user.email, password: user.password } })).rejects.toMatchObject({
      statusCode: 429,
      body: { code: "TOO_MANY_FAILED_SIGN_INS" },
    });
  });
});
