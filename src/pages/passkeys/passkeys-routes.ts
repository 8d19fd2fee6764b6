import { Router } from "express";
import type { Kysely } from "kysely";
import type { Auth } from "../../auth/create-auth.js";
import { userPasskeys } from "../../auth/user-passkeys.js";
import { PASSKEYS_PAGE_PATH } from "../../config/page-paths.js";
import type { Database } from "../../db/schema.js";
import { PASSKEY_SCRIPTS } from "../assets/asset-routes.js";
import type { CsrfGuard } from "../csrf.js";
import { sendPage } from "../layout.js";
import { pageUser } from "../page-session.js";
import { safeReturnPath, signInForm } from "../sign-in.js";
import { passkeysPage } from "./passkeys-views.js";

const TITLE = "Passkeys";

/**
 * GET /account/passkeys: the signed-in user's passkeys. Registering and
 * removing go from the browser straight to the passkey plugin's endpoints
 * (/api/auth/passkey/*), which check the session, the Origin and, once the
 * user has a passkey, an assertion by one of them (passkey-management-guard.ts);
 * this page only renders, so it has no form of its own to protect.
 */
export function passkeysRoutes({ auth, db, csrf }: { auth: Auth; db: Kysely<Database>; csrf: CsrfGuard }): Router {
  const router = Router();
  router.get(PASSKEYS_PAGE_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const returnTo = req.query.return_to === undefined ? undefined : safeReturnPath(req.query.return_to, "") || undefined;
      sendPage(res, TITLE, passkeysPage({ user, passkeys: await userPasskeys(db, user.id), returnTo }), 200, { scripts: PASSKEY_SCRIPTS });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
