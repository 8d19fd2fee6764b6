import { Router } from "express";
import type { Kysely } from "kysely";
import type { Auth } from "../auth/create-auth.js";
import type { Database } from "../db/schema.js";
import { connectedAgentsRoutes } from "./agents/agents-routes.js";
import { approvalsInboxRoutes } from "./approvals/inbox-routes.js";
import { assetRoutes } from "./assets/asset-routes.js";
import { CsrfGuard } from "./csrf.js";
import { deviceAuthorizationRoutes } from "./device/device-routes.js";
import { passkeysRoutes } from "./passkeys/passkeys-routes.js";
import { signInRoutes } from "./sign-in.js";

export interface PagesOptions {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  /** AGENT_DEVICE_AUTH_PAGE: a path, or an absolute URL whose path we serve. */
  readonly deviceAuthorizationPage: string;
}

/**
 * The merchant-facing pages: sign-in, agent approval (device page, CIBA
 * inbox), connected agents and passkeys. Server-rendered; the only client
 * script is the WebAuthn ceremony (assets/passkeys.js) on the pages that use passkeys.
 */
export function merchantPages({ auth, db, deviceAuthorizationPage }: PagesOptions): Router {
  const origin = new URL(String(auth.options.baseURL)).origin;
  const csrf = new CsrfGuard(String(auth.options.secret), origin);
  const router = Router();
  router.use(signInRoutes(auth, csrf));
  router.use(deviceAuthorizationRoutes({ auth, db, csrf, path: new URL(deviceAuthorizationPage, origin).pathname }));
  router.use(approvalsInboxRoutes({ auth, db, csrf }));
  router.use(connectedAgentsRoutes({ auth, db, csrf }));
  router.use(passkeysRoutes({ auth, db, csrf }));
  router.use(assetRoutes());
  return router;
}
