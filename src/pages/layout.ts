import type { Response } from "express";
import { html, type SafeHtml } from "./html.js";

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4}
main{max-width:44rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.5rem;margin-top:0} fieldset{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}
label{display:block;margin:.5rem 0 .25rem;font-weight:600} input[type=text],input[type=email],input[type=password],select{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
.capability{display:flex;gap:.75rem;align-items:flex-start;padding:.5rem 0;border-top:1px solid #eee} .capability label{margin:0}
.meta{color:#555;font-size:.9rem;font-weight:400} .changes{color:#8a3b00} .alert{padding:.75rem 1rem;border-radius:6px;background:#fdecea;color:#7a1c12}
.ok{background:#e7f5ea;color:#1d5a2a} button{font:inherit;padding:.5rem 1rem;margin:.75rem .5rem 0 0;border-radius:6px;border:1px solid #333;background:#222;color:#fff}
button.secondary{background:#fff;color:#222} code{background:#f0f0ee;padding:0 .25rem;border-radius:3px}
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface PageOptions {
  /**
   * Same-origin scripts the page loads (the WebAuthn ceremonies need some);
   * the CSP then allows scripts and fetches from our origin only, never inline.
   */
  readonly scripts?: readonly string[];
}

/** Sends a complete page: no external assets, no inline script, framing refused (clickjacking on approval buttons). */
export function sendPage(res: Response, title: string, body: SafeHtml, status = 200, options: PageOptions = {}): void {
  const scripts = options.scripts ?? [];
  res
    .status(status)
    .set({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": scripts.length > 0 ? `${CSP}; script-src 'self'; connect-src 'self'` : CSP,
      "X-Frame-Options": "DENY",
      // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on our own form posts.
      "Referrer-Policy": "same-origin",
    })
    .send(
      html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · Commerce API</title><style>${STYLE}</style>
${scripts.map((src) => html`<script src="${src}" defer></script>`)}</head>
<body><main>
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
