import { fromNodeHeaders } from "better-auth/node";
import { Router, urlencoded } from "express";
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
export function signInRoutes(auth: Auth, csrf: CsrfGuard): Router {
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
      const { headers } = await auth.api.signInEmail({ body: { email, password }, headers: fromNodeHeaders(req.headers), returnHeaders: true });
      for (const cookie of headers.getSetCookie()) res.append("Set-Cookie", cookie);
      res.redirect(303, returnTo);
    } catch (error) {
      if (isClientError(error)) {
        sendPage(res, "Sign in", signInForm(csrf.token(req, res), returnTo, "Wrong email or password."), 401);
        return;
      }
      next(error);
    }
  });
  return router;
}

function isClientError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500;
}
