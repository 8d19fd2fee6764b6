import { fromNodeHeaders } from "better-auth/node";
import { type Request, type Response, Router, urlencoded } from "express";
import type { Kysely } from "kysely";
import { parseMetadata } from "../../auth/api-key-principal.js";
import type { Auth } from "../../auth/create-auth.js";
import type { Scope } from "../../auth/principal.js";
import { API_KEYS_PAGE_PATH } from "../../config/page-paths.js";
import type { Database } from "../../db/schema.js";
import type { CsrfGuard } from "../csrf.js";
import { sendPage } from "../layout.js";
import { accountNoticeLocation, readAccountNotice } from "../page-notice.js";
import { type PageUser, pageUser } from "../page-session.js";
import { pluginRefusal } from "../plugin-refusal.js";
import { signInForm } from "../sign-in.js";
import { apiKeysNotice, apiKeysPage, type Message, REVOKE_API_KEY_PATH, revokeConfirmation, type StoreKey } from "./api-keys-views.js";
import type { KeyReveal } from "./key-reveal.js";

const TITLE = "API keys";
const NAME_MAX = 64;
const SCOPES: readonly Scope[] = ["storefront", "admin"];

/**
 * The signed-in user's API keys for the active store, through Better Auth's
 * api-key plugin with the user's session (so only their own keys are ever
 * listed or deleted). Keys carry `metadata: { organizationId, scopes }`
 * (see auth/api-key-principal.ts): any member may create storefront keys,
 * only owners and admins admin keys; /v1 re-checks membership and role on
 * every call anyway. Every POST needs the CSRF token and ends in a 303.
 */
export function apiKeysRoutes({
  auth,
  db,
  csrf,
  reveal,
}: {
  auth: Auth;
  db: Kysely<Database>;
  csrf: CsrfGuard;
  reveal: KeyReveal;
}): Router {
  const router = Router();
  const forms = urlencoded({ extended: false, limit: "8kb" });

  router.get(API_KEYS_PAGE_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      await showKeys(req, res, user, readAccountNotice(req));
    } catch (error) {
      next(error);
    }
  });

  router.post(API_KEYS_PAGE_PATH, forms, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), API_KEYS_PAGE_PATH, "Sign in to continue."), 401);
      if (!csrf.verify(req))
        return showKeys(req, res, user, error("The form expired or came from another site. No key was created; try again."), 403);
      const form = (req.body ?? {}) as Record<string, unknown>;
      const store = user.stores.find((item) => item.organizationId === form.organization_id);
      if (!store) return sendPage(res, TITLE, apiKeysNotice("You are not a member of that store, so no key was created."), 403);
      const name = typeof form.name === "string" ? form.name.trim() : "";
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
      if (name.length === 0 || name.length > NAME_MAX || /[\u0000-\u001f\u007f]/.test(name))
        return res.redirect(303, accountNoticeLocation(API_KEYS_PAGE_PATH, "key-name-needed"));
      const asked = [form.scopes ?? []].flat();
      const scopes = SCOPES.filter((scope) => asked.includes(scope));
      if (scopes.length === 0 || scopes.length !== new Set(asked).size)
        return res.redirect(303, accountNoticeLocation(API_KEYS_PAGE_PATH, "key-scope-needed"));
      if (scopes.includes("admin") && !store.manages)
        return sendPage(
          res,
          TITLE,
          apiKeysNotice(`Only the owners and admins of ${store.name} can create admin keys. No key was created.`),
          403,
        );
      const created = await auth.api.createApiKey({
        body: { name, metadata: { organizationId: store.organizationId, scopes } },
        headers: fromNodeHeaders(req.headers),
      });
      await reveal.remember(res, user.id, { keyId: created.id, name, secret: created.key });
      res.redirect(303, accountNoticeLocation(API_KEYS_PAGE_PATH, "key-created"));
    } catch (failure) {
      next(failure);
    }
  });

  router.get(REVOKE_API_KEY_PATH, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), req.originalUrl));
      const key = (await ownKeys(req)).find((item) => item.id === req.query.key);
      if (!key)
        return sendPage(res, "Revoke an API key", apiKeysNotice("You have no API key with this id: it may be revoked already."), 404);
      const store = user.stores.find((item) => item.organizationId === key.organizationId);
      sendPage(res, "Revoke an API key", revokeConfirmation(key, store, csrf.token(req, res)));
    } catch (error) {
      next(error);
    }
  });

  router.post(REVOKE_API_KEY_PATH, forms, async (req, res, next) => {
    try {
      const user = await pageUser(auth, db, req);
      if (!user) return sendPage(res, TITLE, signInForm(csrf.token(req, res), API_KEYS_PAGE_PATH, "Sign in to continue."), 401);
      if (!csrf.verify(req))
        return showKeys(req, res, user, error("The form expired or came from another site. Nothing was revoked; try again."), 403);
      const keyId = (req.body as Record<string, unknown> | undefined)?.key_id;
      const key = (await ownKeys(req)).find((item) => item.id === keyId);
      if (!key) return res.redirect(303, accountNoticeLocation(API_KEYS_PAGE_PATH, "key-missing"));
      const deleted = await auth.api
        .deleteApiKey({ body: { keyId: key.id }, headers: fromNodeHeaders(req.headers) })
        .catch((failure: unknown) => (pluginRefusal(failure) ? null : Promise.reject(failure)));
      res.redirect(303, accountNoticeLocation(API_KEYS_PAGE_PATH, deleted?.success ? "key-revoked" : "key-missing"));
    } catch (failure) {
      next(failure);
    }
  });

  /** Every key of the session's user (Better Auth lists only the caller's own), with its store. */
  async function ownKeys(req: Request): Promise<(StoreKey & { readonly organizationId: string })[]> {
    const { apiKeys } = await auth.api.listApiKeys({ headers: fromNodeHeaders(req.headers) });
    return apiKeys.flatMap((key) => {
      const metadata = parseMetadata(key.metadata);
      if (!metadata) return [];
      return [
        {
          id: key.id,
          name: key.name ?? "Unnamed key",
          start: key.start,
          scopes: metadata.scopes,
          createdAt: new Date(key.createdAt),
          lastRequest: key.lastRequest ? new Date(key.lastRequest) : null,
          expiresAt: key.expiresAt ? new Date(key.expiresAt) : null,
          organizationId: metadata.organizationId,
        },
      ];
    });
  }

  async function showKeys(req: Request, res: Response, user: PageUser, message?: Message, status = 200): Promise<void> {
    const store = user.activeStore;
    if (!store) return sendPage(res, TITLE, apiKeysNotice("You are not a member of any store, so you have no API keys to manage."), status);
    const keys = await ownKeys(req);
    const revealed = await reveal.take(req, res, user.id);
    sendPage(
      res,
      TITLE,
      apiKeysPage({
        store,
        keys: keys
          .filter((key) => key.organizationId === store.organizationId)
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()),
        // Only a key that still exists and is the user's (revoked in between: nothing to show).
        revealed: revealed && keys.some((key) => key.id === revealed.keyId) ? revealed : null,
        csrfToken: csrf.token(req, res),
        message,
      }),
      status,
    );
  }

  return router;
}

function error(text: string): Message {
  return { text, kind: "error" };
}
