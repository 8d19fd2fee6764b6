import { Router } from "express";
import type { Kysely } from "kysely";
import type { ChangeSignal } from "../auth/auth-state-signal.js";
import type { Auth } from "../auth/create-auth.js";
import type { Origins } from "../config/origins.js";
import type { Database } from "../db/schema.js";
import { connectedAgentsRoutes } from "./agents/agents-routes.js";
import { approvalsInboxRoutes } from "./approvals/inbox-routes.js";
import { assetRoutes } from "./assets/asset-routes.js";
import { oauthConsentRoutes } from "./consent/consent-routes.js";
import { apiKeysRoutes } from "./console/api-keys-routes.js";
import { KeyReveal } from "./console/key-reveal.js";
import { landingRoutes } from "./console/landing-routes.js";
import { CsrfGuard } from "./csrf.js";
import { deviceAuthorizationRoutes } from "./device/device-routes.js";
import { pageLayout } from "./layout.js";
import { passkeysRoutes } from "./passkeys/passkeys-routes.js";
import { signInRoutes } from "./sign-in.js";

export interface PagesOptions {
  readonly auth: Auth;
  readonly db: Kysely<Database>;
  /** The pages live on Better Auth's origin: their CSRF check and sign-in requests use it. */
  readonly origins: Origins;
  /** Told when a merchant sets an agent's limits, so agent caches forget. */
  readonly authStateChanges: ChangeSignal;
  /** AGENT_DEVICE_AUTH_PAGE: a path, or an absolute URL whose path we serve. */
  readonly deviceAuthorizationPage: string;
}

/**
 * The merchant-facing pages: the console's landing page and store switcher,
 * sign-in and sign-out, agent approval (device page, CIBA inbox), connected
 * agents, passkeys and API keys, each with the layout's navigation. Server-rendered; the only client
 * script is the WebAuthn ceremony (assets/passkeys.js) on the pages that use passkeys.
 */
export function merchantPages({ auth, db, origins, authStateChanges, deviceAuthorizationPage }: PagesOptions): Router {
  const csrf = new CsrfGuard(String(auth.options.secret), origins.authOrigin);
  const router = Router();
  router.use(pageLayout(csrf));
  router.use(signInRoutes(auth, db, csrf, origins.authBaseUrl));
  router.use(
    deviceAuthorizationRoutes({ auth, db, csrf, authStateChanges, path: new URL(deviceAuthorizationPage, origins.authOrigin).pathname }),
  );
  router.use(approvalsInboxRoutes({ auth, db, csrf, authStateChanges }));
  router.use(connectedAgentsRoutes({ auth, db, csrf, authStateChanges }));
  router.use(oauthConsentRoutes({ auth, db, csrf, authStateChanges }, origins.authBaseUrl));
  router.use(passkeysRoutes({ auth, db, csrf }));
  router.use(landingRoutes({ auth, db, csrf }));
  router.use(
    apiKeysRoutes({ auth, db, csrf, reveal: new KeyReveal(String(auth.options.secret), origins.authOrigin.startsWith("https:")) }),
  );
  router.use(assetRoutes());
  return router;
}
