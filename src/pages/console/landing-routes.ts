import { fromNodeHeaders } from "better-auth/node";
import { type Request, type Response, Router, urlencoded } from "express";
import type { Kysely } from "kysely";
import type { Auth } from "../../auth/create-auth.js";
import { ACTIVE_STORE_PATH, HOME_PATH } from "../../config/page-paths.js";
import type { Database } from "../../db/schema.js";
import { pendingCibaRequests } from "../approvals/pending-ciba.js";
import type { CsrfGuard } from "../csrf.js";
import { sendPage } from "../layout.js";
import { accountNoticeLocation, readAccountNotice } from "../page-notice.js";
import { type PageUser, pageUser } from "../page-session.js";
import { pluginRefusal } from "../plugin-refusal.js";
import { signInForm } from "../sign-in.js";
import { type Message, signedInLanding, signedOutLanding } from "./landing-views.js";

const TITLE = "Commerce console";

/**
 * GET /: what this is and the sign-in form, or, signed in, the store
 * switcher and links to every page. POST /account/store makes one of the
 * user's stores the active organization of their Better Auth session (the
 * store the console's pages work in).
 */
export function landingRoutes({ auth, db, csrf }: { auth: Auth; db: Kysely<Database>; csrf: CsrfGuard }): Router {
  const router = Router();

  router.get(HOME_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signedOutLanding(csrf.token(req, res)));
      await showLanding(req, res, user, readAccountNotice(req));
    } catch (error) {
      next(error);
    }
  });

  router.post(ACTIVE_STORE_PATH, urlencoded({ extended: false, limit: "8kb" }), async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), HOME_PATH, "Sign in to continue."), 401);
      if (!csrf.verify(req))
        return showLanding(req, res, user, error("The form expired or came from another site. The store was not changed; try again."), 403);
      const chosen = (req.body as Record<string, unknown> | undefined)?.organization_id;
      const store = user.stores.find((item) => item.organizationId === chosen);
      if (!store) return res.redirect(303, accountNoticeLocation(HOME_PATH, "not-a-member"));
      // Better Auth checks the membership again; its answer may refresh the session cookie, which goes to the browser.
      const answer = await auth.api
        .setActiveOrganization({
          body: { organizationId: store.organizationId },
          headers: fromNodeHeaders(req.headers),
          returnHeaders: true,
        })
        .catch((failure: unknown) => (pluginRefusal(failure) ? null : Promise.reject(failure)));
      // Refused: the membership ended since pageUser read it.
      if (!answer) return res.redirect(303, accountNoticeLocation(HOME_PATH, "not-a-member"));
      for (const cookie of answer.headers.getSetCookie()) res.append("Set-Cookie", cookie);
      res.redirect(303, accountNoticeLocation(HOME_PATH, "store-switched"));
    } catch (failure) {
      next(failure);
    }
  });

  async function showLanding(req: Request, res: Response, user: PageUser, message?: Message, status = 200): Promise<void> {
    const waiting = await pendingCibaRequests(db, user.id);
    sendPage(res, TITLE, signedInLanding({ user, waitingApprovals: waiting.length, csrfToken: csrf.token(req, res), message }), status);
  }

  return router;
}

function error(text: string): Message {
  return { text, kind: "error" };
}
