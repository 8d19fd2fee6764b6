import { Router } from "express";
import type { Kysely } from "kysely";
import type { Auth } from "../auth/create-auth.js";
import type { Database } from "../db/schema.js";
import { connectedAgentsRoutes } from "./agents/agents-routes.js";
import { approvalsInboxRoutes } from "./approvals/inbox-routes.js";
import { CsrfGuard } from "./csrf.js";
import { deviceAuthorizationRoutes } from "./device/device-routes.js";
import { signInRoutes } from "./sign-in.js";

export interface PagesOptions {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  /** AGENT_DEVICE_AUTH_PAGE: a path, or an absolute URL whose path we serve. */
  readonly deviceAuthorizationPage: string;
}

/** The merchant-facing pages: sign-in, agent approval (device page, CIBA inbox) and connected agents. Server-rendered, no client-side JavaScript. */
export function merchantPages({ auth, db, deviceAuthorizationPage }: PagesOptions): Router {
  const origin = new URL(String(auth.options.baseURL)).origin;
  const csrf = new CsrfGuard(String(auth.options.secret), origin);
  const router = Router();
  router.use(signInRoutes(auth, csrf));
  router.use(deviceAuthorizationRoutes({ auth, db, csrf, path: new URL(deviceAuthorizationPage, origin).pathname }));
  router.use(approvalsInboxRoutes({ auth, db, csrf }));
  router.use(connectedAgentsRoutes({ auth, db, csrf }));
  return router;
}
