import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import { API_KEYS_PAGE_PATH } from "../../config/page-paths.js";
import { readCookie } from "../csrf.js";

const COOKIE = "commerce_new_api_key";
/** Long enough for the redirect to land, short enough that a forgotten cookie is soon useless. */
const LIFETIME_MS = 2 * 60_000;

export interface RevealedKey {
  readonly keyId: string;
  readonly name: string;
  readonly secret: string;
}

/**
 * Shows a new API key's secret exactly once, across the 303 that follows
 * its creation (so a reload never creates another key). We keep only its
 * hash, so the secret rides in a cookie, sealed (AES-256-GCM under a key
 * derived from the server secret, bound to the user, expiring in two
 * minutes): HttpOnly, SameSite=Strict, only sent to the API keys page, and
 * cleared by the first page that reads it, whether or not it opens.
 */
export class KeyReveal {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly secure: boolean,
  ) {
    this.key = createHash("sha256").update(`commerce:api-key-reveal:${secret}`).digest();
  }

  /** After creating a key: the cookie the next page load reads. */
  remember(res: Response, userId: string, key: RevealedKey): void {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const plain = JSON.stringify({ u: userId, e: Date.now() + LIFETIME_MS, ...key });
    const sealed = Buffer.concat([iv, cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    res.cookie(COOKIE, sealed.toString("base64url"), { ...this.attributes(), maxAge: LIFETIME_MS });
  }

  /** The key created just before, once: the cookie is cleared now whatever it holds. */
  take(req: Request, res: Response, userId: string): RevealedKey | null {
    const value = readCookie(req, COOKIE);
    if (value === undefined) return null;
    res.clearCookie(COOKIE, this.attributes());
    const opened = this.open(value);
    if (!opened || opened.u !== userId || opened.e < Date.now()) return null;
    return { keyId: opened.keyId, name: opened.name, secret: opened.secret };
  }

  private open(value: string): (RevealedKey & { u: string; e: number }) | null {
    try {
      const sealed = Buffer.from(value, "base64url");
      if (sealed.length < 12 + 16 + 2) return null;
      const decipher = createDecipheriv("aes-256-gcm", this.key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString("utf8");
      const parsed = JSON.parse(plain) as Record<string, unknown>;
      const { u, e, keyId, name, secret } = parsed;
      if (
        typeof u !== "string" ||
        typeof e !== "number" ||
        typeof keyId !== "string" ||
        typeof name !== "string" ||
        typeof secret !== "string"
      )
        return null;
      return { u, e, keyId, name, secret };
    } catch {
      return null;
    }
  }

  private attributes() {
    return { httpOnly: true, sameSite: "strict" as const, secure: this.secure, path: API_KEYS_PAGE_PATH };
  }
}
