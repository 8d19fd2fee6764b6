import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Router } from "express";

/** The scripts a page needs for WebAuthn: the browser helper first (it defines `SimpleWebAuthnBrowser`), then ours. */
export const PASSKEY_SCRIPTS = ["/assets/simplewebauthn-browser.js", "/assets/passkeys.js"] as const;

/**
 * Serves the two client scripts from files on disk, read once at start:
 * @simplewebauthn/browser's prebuilt UMD bundle straight from node_modules
 * (no bundler; its `exports` hide the file, so it is found next to the
 * package entry) and our passkeys.js beside this module.
 */
export function assetRoutes(): Router {
  const require = createRequire(import.meta.url);
  const browserBundle = path.join(path.dirname(require.resolve("@simplewebauthn/browser")), "..", "dist", "bundle", "index.umd.min.js");
  const ours = fileURLToPath(new URL("./passkeys.js", import.meta.url));
  const files = new Map<string, string>([
    [PASSKEY_SCRIPTS[0], readFileSync(browserBundle, "utf8")],
    [PASSKEY_SCRIPTS[1], readFileSync(ours, "utf8")],
  ]);
  const router = Router();
  for (const [route, source] of files) {
    router.get(route, (_req, res) => {
      res
        .set({ "Content-Type": "text/javascript; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache" })
        .send(source);
    });
  }
  return router;
}
