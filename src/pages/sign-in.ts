import { fromNodeHeaders } from "better-auth/node";
import { type Request, Router, urlencoded } from "express";
import type { Kysely } from "kysely";
import { CLIENT_ADDRESS_HEADER } from "../auth/client-address-header.js";
import type { Auth } from "../auth/create-auth.js";
import { HOME_PATH, SIGN_IN_PATH, SIGN_OUT_PATH } from "../config/page-paths.js";
import type { Database } from "../db/schema.js";
import type { CsrfGuard } from "./csrf.js";
import { html, type SafeHtml } from "./html.js";
import { alertBox, sendPage } from "./layout.js";
import { pageUser } from "./page-session.js";
import { pluginRefusal } from "./plugin-refusal.js";

const PROBE_ORIGIN = "http://return-to.invalid";

/**
 * Only paths of this site are followed after sign-in (no open redirect):
 * one leading slash, no backslash, no control character or space (browsers
 * drop tabs and newlines, so `/\t/evil.example` would become `//evil.example`),
 * at most 2 KB, and still on our origin once a URL parser has read it.
 */
export function safeReturnPath(value: unknown, fallback: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters and spaces are what this refuses.
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\") || /[\u0000-\u0020\u007f-\u00a0]/.test(value))
    return fallback;
  try {
    const url = new URL(value, PROBE_ORIGIN);
    return url.origin === PROBE_ORIGIN && !url.pathname.startsWith("//") ? value : fallback;
  } catch {
    return fallback;
  }
}

/** The email/password form; posts to SIGN_IN_PATH and comes back to `returnTo`. */
export function signInForm(csrfToken: string, returnTo: string, message?: string): SafeHtml {
  return html`${alertBox(message)}
<p>Sign in with your store account to continue.</p>
<form method="post" action="${SIGN_IN_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <input type="hidden" name="return_to" value="${returnTo}">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>`;
}

/**
 * The sign-in page and form, and sign-out. GET shows the form (a signed-in
 * visitor goes straight on); POST is Better Auth's email/password sign-in
 * for our server-rendered pages: its session cookie is passed on, then the
 * browser goes to `return_to` (303, so a reload does not resubmit). A
 * refused sign-in shows the form again with its status (401, 429), so the
 * limits keep their meaning. POST /account/sign-out ends the session.
 * `authBaseUrl`: Better Auth's base URL, where the form's sign-in request goes (see signInThroughLimits).
 */
export function signInRoutes(auth: Auth, db: Kysely<Database>, csrf: CsrfGuard, authBaseUrl: string): Router {
  const router = Router();
  const forms = urlencoded({ extended: false, limit: "8kb" });

  router.get(SIGN_IN_PATH, async (req, res, next) => {
    try {
      const returnTo = safeReturnPath(req.query.return_to, HOME_PATH);
      if (await pageUser(auth, db, req)) return res.redirect(303, returnTo);
      sendPage(res, "Sign in", signInForm(csrf.token(req, res), returnTo));
    } catch (error) {
      next(error);
    }
  });

  router.post(SIGN_OUT_PATH, forms, async (req, res, next) => {
    try {
      if (!csrf.verify(req)) {
        await pageUser(auth, db, req);
        return sendPage(
          res,
          "Sign out",
          signOutForm(csrf.token(req, res), "The form expired or came from another site: you are still signed in."),
          403,
        );
      }
      const answer = await auth.api
        .signOut({ headers: fromNodeHeaders(req.headers), returnHeaders: true })
        .catch((error: unknown) => (pluginRefusal(error) ? null : Promise.reject(error)));
      // Without a session there is nothing to end: the landing page shows the sign-in form either way.
      for (const cookie of answer?.headers.getSetCookie() ?? []) res.append("Set-Cookie", cookie);
      res.redirect(303, HOME_PATH);
    } catch (error) {
      next(error);
    }
  });

  router.post(SIGN_IN_PATH, forms, async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const returnTo = safeReturnPath(body.return_to, HOME_PATH);
    if (!csrf.verify(req)) {
      sendPage(res, "Sign in", signInForm(csrf.token(req, res), returnTo, "The form expired. Please try again."), 403);
      return;
    }
    const email = typeof body.email === "string" ? body.email.trim() : "";
    const password = typeof body.password === "string" ? body.password : "";
    if (!email || !password) {
      sendPage(res, "Sign in", signInForm(csrf.token(req, res), returnTo, "Enter your email and password."), 400);
      return;
    }
    try {
      const answer = await signInThroughLimits(auth, authBaseUrl, req, email, password);
      if (answer.ok) {
        for (const cookie of answer.headers.getSetCookie()) res.append("Set-Cookie", cookie);
        res.redirect(303, returnTo);
      } else if (answer.status === 429) {
        const retryAfter = answer.headers.get("retry-after") ?? answer.headers.get("x-retry-after");
        if (retryAfter) res.set("Retry-After", retryAfter);
        sendPage(
          res,
          "Sign in",
          signInForm(csrf.token(req, res), returnTo, "Too many sign-in attempts. Please wait a few minutes and try again."),
          429,
        );
      } else if (answer.status < 500) {
        sendPage(res, "Sign in", signInForm(csrf.token(req, res), returnTo, "Wrong email or password."), 401);
      } else {
        next(new Error(`sign-in answered ${answer.status}`));
      }
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** The sign-out button on its own, for a refused sign-out. */
function signOutForm(csrfToken: string, message: string): SafeHtml {
  return html`${alertBox(message)}
<form method="post" action="${SIGN_OUT_PATH}">
  <input type="hidden" name="csrf" value="${csrfToken}">
  <button type="submit">Sign out</button>
</form>`;
}

/**
 * Better Auth's email sign-in as an HTTP request through its own handler,
 * not `auth.api`: only the handler applies the per-address rate limits, and
 * this form must not be a way around them (it shares the API's sign-in
 * budget). The form's CSRF token and origin were checked above, so the
 * request is ours: it carries our origin and the client address our HTTP
 * layer wrote, nothing else of the browser's.
 */
function signInThroughLimits(auth: Auth, base: string, req: Request, email: string, password: string): Promise<globalThis.Response> {
  const headers = new Headers({ "content-type": "application/json", origin: new URL(base).origin });
  for (const name of [CLIENT_ADDRESS_HEADER, "user-agent"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers.set(name, value);
  }
  return auth.handler(
    new globalThis.Request(`${base}/sign-in/email`, { method: "POST", headers, body: JSON.stringify({ email, password }) }),
  );
}
