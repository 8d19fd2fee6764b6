import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";

const COOKIE = "commerce_csrf";

/** The nonce set on a response whose request came without one. */
const issued = new WeakMap<Request, string>();

/**
 * CSRF protection for our forms (double-submit, signed): a random value in an
 * HttpOnly SameSite=Lax cookie, and its HMAC under the server secret in a
 * hidden field. A cross-site form can send neither the cookie's value nor
 * its MAC. Origin is checked too when the browser sends it.
 */
export class CsrfGuard {
  constructor(
    private readonly secret: string,
    private readonly origin: string,
  ) {}

  /** The hidden-field token for this browser, setting its cookie on first use. */
  token(req: Request, res: Response): string {
    let nonce = issued.get(req) ?? readCookie(req, COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{20,64}$/.test(nonce)) {
      nonce = randomBytes(24).toString("base64url");
      res.cookie(COOKIE, nonce, { httpOnly: true, sameSite: "lax", secure: this.origin.startsWith("https:"), path: "/" });
      // A page asks more than once (its forms, the header's sign-out): one cookie, one token per response.
      issued.set(req, nonce);
    }
    return this.sign(nonce);
  }

  /** Whether a form POST carries this browser's token and comes from our origin. */
  verify(req: Request): boolean {
    const origin = req.get("origin");
    if (origin && origin !== this.origin) return false;
    const nonce = readCookie(req, COOKIE);
    const sent = (req.body as { csrf?: unknown } | undefined)?.csrf;
    if (!nonce || typeof sent !== "string") return false;
    const expected = Buffer.from(this.sign(nonce));
    const actual = Buffer.from(sent);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /**
   * A MAC of `value` under the server secret, for `purpose`: lets a page
   * trust state it handed out itself and gets back in a link (a form carried
   * through a sign-in), which nobody else can forge.
   */
  seal(purpose: string, value: string): string {
    return createHmac("sha256", this.secret).update(`seal:${purpose}:${value}`).digest("base64url");
  }

  /** Whether `mac` is `seal(purpose, value)`. */
  opens(purpose: string, value: string, mac: string): boolean {
    const expected = Buffer.from(this.seal(purpose, value));
    const actual = Buffer.from(mac);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private sign(nonce: string): string {
    return createHmac("sha256", this.secret).update(`csrf:${nonce}`).digest("base64url");
  }
}

/** A cookie of the request, decoded; undefined when absent. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) {
      try {
        return decodeURIComponent(rest.join("="));
      } catch {
        return undefined; // malformed escapes: as if absent, never a 500
      }
    }
  }
  return undefined;
}
