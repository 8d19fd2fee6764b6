import { type Request, Router, urlencoded } from "express";
import { CLIENT_ADDRESS_HEADER } from "../auth/client-address-header.js";
import type { Auth } from "../auth/create-auth.js";
import type { CsrfGuard } from "./csrf.js";
import { html, type SafeHtml } from "./html.js";
import { alertBox, sendPage } from "./layout.js";

export const SIGN_IN_PATH = "/account/sign-in";

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeReturnPath(value: unknown, fallback: string): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.includes("\\") ? value : fallback;
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
 * POST /account/sign-in: Better Auth's email/password sign-in for our
 * server-rendered pages. Its session cookie is passed on, then the browser
 * goes back where it came from (303, so a reload does not resubmit).
 */
/** `authBaseUrl`: Better Auth's base URL, where the form's sign-in request goes (see signInThroughLimits). */
export function signInRoutes(auth: Auth, csrf: CsrfGuard, authBaseUrl: string): Router {
  const router = Router();
  router.post(SIGN_IN_PATH, urlencoded({ extended: false, limit: "8kb" }), async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const returnTo = safeReturnPath(body.return_to, "/agents");
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
