import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Request, Response } from "express";

/**
 * A document the server publishes unchanged until the next deployment (the
 * bundled contract, the API reference, the problem pages): its bytes, a
 * strong ETag of them, and, once a client asks for it, their gzip form.
 */
export class PublishedFile {
  readonly etag: string;
  #gzip: { readonly body: Buffer; readonly etag: string } | undefined;

  constructor(
    readonly body: Buffer,
    /** The Content-Type header, charset included. */
    readonly contentType: string,
    /** Extra headers (a CSP, CORS). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    this.etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  }

  /** A file of generated/ (relative to this module), read once. */
  static fromFile(url: URL, contentType: string, headers?: Readonly<Record<string, string>>): PublishedFile {
    return new PublishedFile(readFileSync(url), contentType, headers);
  }

  /**
   * Answers with the file: `no-cache` plus the ETag, so caches keep it and
   * revalidate with `If-None-Match` (a 304, no body) and a deployment is seen
   * at once. Bodies over 1 KiB go gzipped to clients that accept it (the API
   * reference is 2.5 MB, about 0.7 MB gzipped), compressed once.
   */
  send(req: Request, res: Response): void {
    const gzip = this.body.length > 1024 && req.acceptsEncodings("gzip", "identity") === "gzip" ? this.gzipped() : undefined;
    const etag = gzip?.etag ?? this.etag;
    res.set({
      ...this.headers,
      "Content-Type": this.contentType,
      "Cache-Control": "public, no-cache",
      ETag: etag,
      Vary: "Accept-Encoding",
      "X-Content-Type-Options": "nosniff",
    });
    if (gzip) res.set("Content-Encoding", "gzip");
    // req.fresh compares If-None-Match with the ETag just set (and answers GET/HEAD only).
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const body = gzip?.body ?? this.body;
    res.status(200).set("Content-Length", String(body.length));
    res.end(req.method === "HEAD" ? undefined : body);
  }

  private gzipped(): { readonly body: Buffer; readonly etag: string } {
    this.#gzip ??= { body: gzipSync(this.body), etag: `${this.etag.slice(0, -1)}-gzip"` };
    return this.#gzip;
  }
}

/** A value made on first use, then kept: the published files are read only when someone asks for them. */
export function once<T>(make: () => T): () => T {
  let value: { readonly made: T } | undefined;
  return () => {
    value ??= { made: make() };
    return value.made;
  };
}
