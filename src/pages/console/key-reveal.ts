import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import { EncryptJWT, jwtDecrypt } from "jose";
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
 * hash, so the secret rides in a cookie, sealed (a JWE, `dir` + A256GCM with jose,
 * under a key derived from the server secret; its subject is the user, it
 * expires in two minutes): HttpOnly, SameSite=Strict, only sent to the API keys page, and
 * cleared by the first page that reads it, whether or not it opens.
 */
export class KeyReveal {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly secure: boolean,
  ) {
    this.key = createHash("sha256").update(`commerce:api-key-reveal:${secret}`).digest();
  }

  /** After creating a key: the cookie the next page load reads. */
  async remember(res: Response, userId: string, key: RevealedKey): Promise<void> {
    const sealed = await new EncryptJWT({ keyId: key.keyId, name: key.name, secret: key.secret })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .setSubject(userId)
      .setExpirationTime(new Date(Date.now() + LIFETIME_MS))
      .encrypt(this.key);
    res.cookie(COOKIE, sealed, { ...this.attributes(), maxAge: LIFETIME_MS });
  }

  /** The key created just before, once: the cookie is cleared now whatever it holds. */
  async take(req: Request, res: Response, userId: string): Promise<RevealedKey | null> {
    const value = readCookie(req, COOKIE);
    if (value === undefined) return null;
    res.clearCookie(COOKIE, this.attributes());
    try {
      // Checks the seal, the expiry and that it was made for this user.
      const { payload } = await jwtDecrypt(value, this.key, {
        subject: userId,
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
      });
      const { keyId, name, secret } = payload;
      if (typeof keyId !== "string" || typeof name !== "string" || typeof secret !== "string") return null;
      return { keyId, name, secret };
    } catch {
      return null;
    }
  }

  private attributes() {
    return { httpOnly: true, sameSite: "strict" as const, secure: this.secure, path: API_KEYS_PAGE_PATH };
  }
}
