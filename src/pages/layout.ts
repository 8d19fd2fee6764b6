import type { Request, RequestHandler, Response } from "express";
import {
  API_KEYS_PAGE_PATH,
  APPROVALS_INBOX_PATH,
  CONNECTED_AGENTS_PATH,
  DOCS_PATH,
  HOME_PATH,
  PASSKEYS_PAGE_PATH,
  SIGN_IN_PATH,
  SIGN_OUT_PATH,
} from "../config/page-paths.js";
import type { CsrfGuard } from "./csrf.js";
import { html, type SafeHtml } from "./html.js";
import { knownPageUser, type PageUser } from "./page-session.js";

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4}
main{max-width:44rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
main:focus{outline:none}
h1{font-size:1.5rem;margin-top:0} fieldset{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}
label{display:block;margin:.5rem 0 .25rem;font-weight:600} input[type=text],input[type=email],input[type=password],select{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
.capability{display:flex;gap:.75rem;align-items:flex-start;padding:.5rem 0;border-top:1px solid #eee} .capability label{margin:0}
.meta{color:#555;font-size:.9rem;font-weight:400} .changes{color:#8a3b00} .alert{padding:.75rem 1rem;border-radius:6px;background:#fdecea;color:#7a1c12}
.ok{background:#e7f5ea;color:#1d5a2a} button{font:inherit;padding:.5rem 1rem;margin:.75rem .5rem 0 0;border-radius:6px;border:1px solid #333;background:#222;color:#fff}
button.secondary{background:#fff;color:#222} code{background:#f0f0ee;padding:0 .25rem;border-radius:3px;overflow-wrap:anywhere}
a{color:#0b57a4} :focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
.skip{position:absolute;left:-100vw;top:.5rem;padding:.5rem 1rem;background:#fff;color:#0b57a4;border-radius:6px;z-index:1} .skip:focus{left:.5rem}
.top{background:#1f2a37;color:#fff} .top a{color:#fff} .top .meta{color:#d5dbe2}
.bar{max-width:60rem;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.25rem}
.brand{font-weight:700;text-decoration:none} .store{font-size:.95rem}
.top nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0} .top nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
.account{margin-left:auto;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem} .account button{margin:0;padding:.25rem .75rem;background:#fff;color:#1f2a37}
@media (max-width:40rem){main{margin:0;padding:1rem;border-radius:0;box-shadow:none} .account{margin-left:0}}
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface PageOptions {
  /**
   * Same-origin scripts the page loads (the WebAuthn ceremonies need some);
   * the CSP then allows scripts and fetches from our origin only, never inline.
   */
  readonly scripts?: readonly string[];
  /**
   * Where the page's forms may end up after our redirect, besides our origin
   * (CSP `form-action` also governs redirects that follow a form post): the
   * OAuth consent page sends the browser on to the client's redirect URI.
   */
  readonly formRedirects?: readonly string[];
}

/** A redirect URI as a CSP source: its origin, or its scheme for a native app's private-use URI (`com.example.app:`). */
function formSource(uri: string): string | undefined {
  if (!URL.canParse(uri)) return undefined;
  const url = new URL(uri);
  if (url.origin !== "null") return url.origin;
  return /^[a-z][a-z0-9.+-]*:$/.test(url.protocol) ? url.protocol : undefined;
}

/** The CSRF guard of each page request, for the header's sign-out form (see `pageLayout`). */
const guards = new WeakMap<Request, CsrfGuard>();

/**
 * Lets every page's header carry a sign-out form: mounted first among the
 * merchant pages, it hands the layout this request's CSRF guard. Who is
 * signed in comes from `pageUser`, which each page asks anyway.
 */
export function pageLayout(csrf: CsrfGuard): RequestHandler {
  return (req, _res, next) => {
    guards.set(req, csrf);
    next();
  };
}

/** Sends a complete page: no external assets, no inline script, framing refused (clickjacking on approval buttons). */
export function sendPage(res: Response, title: string, body: SafeHtml, status = 200, options: PageOptions = {}): void {
  const scripts = options.scripts ?? [];
  const redirects = (options.formRedirects ?? []).flatMap((uri) => formSource(uri) ?? []);
  const csp = redirects.length > 0 ? CSP.replace("form-action 'self'", `form-action 'self' ${redirects.join(" ")}`) : CSP;
  res.status(status).set({
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": scripts.length > 0 ? `${csp}; script-src 'self'; connect-src 'self'` : csp,
    "X-Frame-Options": "DENY",
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on our own form posts.
    "Referrer-Policy": "same-origin",
  });
  const header = pageHeader(res);
  res.send(
    html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · Commerce API</title><style>${STYLE}</style>
${scripts.map((src) => html`<script src="${src}" defer></script>`)}</head>
<body><a class="skip" href="#main">Skip to main content</a>
${header}
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main></body>
</html>`.value,
  );
}

/** A message announced to screen readers as soon as the page loads. */
export function alertBox(message: string | undefined, kind: "error" | "ok" = "error"): SafeHtml {
  if (!message) return html``;
  return html`<p class="alert${kind === "ok" ? " ok" : ""}" role="${kind === "error" ? "alert" : "status"}">${message}</p>`;
}

const SIGNED_IN_LINKS: readonly (readonly [string, string])[] = [
  [HOME_PATH, "Home"],
  [CONNECTED_AGENTS_PATH, "Agents"],
  [APPROVALS_INBOX_PATH, "Approvals"],
  [API_KEYS_PAGE_PATH, "API keys"],
  [PASSKEYS_PAGE_PATH, "Passkeys"],
  [DOCS_PATH, "Docs"],
];

const SIGNED_OUT_LINKS: readonly (readonly [string, string])[] = [
  [HOME_PATH, "Home"],
  [DOCS_PATH, "Docs"],
];

/**
 * The header of every page: the console's name, the active store, the
 * navigation, and who is signed in with a sign-out button (a CSRF-protected
 * POST, never a link: a GET that signs out could be triggered by any site).
 */
function pageHeader(res: Response): SafeHtml {
  const req = res.req;
  const user = knownPageUser(req);
  const guard = guards.get(req);
  const links = user ? SIGNED_IN_LINKS : SIGNED_OUT_LINKS;
  return html`<header class="top"><div class="bar">
<a class="brand" href="${HOME_PATH}">Commerce console</a>
${user?.activeStore ? html`<span class="store">Store: <strong>${user.activeStore.name}</strong></span>` : ""}
<nav aria-label="Console"><ul>${links.map(
    ([path, label]) => html`<li><a href="${path}"${req.path === path ? html` aria-current="page"` : ""}>${label}</a></li>`,
  )}</ul></nav>
${accountArea(req, res, user, guard)}
</div></header>`;
}

function accountArea(req: Request, res: Response, user: PageUser | null | undefined, guard: CsrfGuard | undefined): SafeHtml {
  if (user && guard) {
    return html`<form class="account" method="post" action="${SIGN_OUT_PATH}">
<input type="hidden" name="csrf" value="${guard.token(req, res)}">
<span class="meta">${user.email}</span> <button type="submit">Sign out</button>
</form>`;
  }
  if (user === null && req.path !== SIGN_IN_PATH) return html`<div class="account"><a href="${SIGN_IN_PATH}">Sign in</a></div>`;
  return html``;
}
