import { oauthProviderAuthServerMetadata } from "@better-auth/oauth-provider";
import { Router as createRouter, type Router } from "express";
import type { Auth } from "../auth/create-auth.js";
import { MCP_SCOPE, OFFLINE_SCOPE } from "../auth/oauth-provider.js";

/** RFC 9728 §3.1: the metadata URL of a resource with a path inserts the well-known segment before the path. */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
}

/** RFC 8414 §3.1: the same rule for an authorization server whose issuer has a path (ours: /api/auth). */
export function authorizationServerMetadataPath(issuer: string): string {
  return `/.well-known/oauth-authorization-server${new URL(issuer).pathname}`;
}

/**
 * The discovery documents an MCP client reads before it can connect, at the
 * root where the RFCs put them: the MCP endpoint's protected-resource
 * metadata (which authorization server, which scopes) and the authorization
 * server's metadata (the plugin's document, served at the RFC 8414 path for
 * an issuer with a path component; the plugin itself serves it only under
 * /api/auth).
 */
export function oauthMetadataRoutes(auth: Auth, resource: string, issuer: string): Router {
  const router = createRouter();
  const authorizationServer = oauthProviderAuthServerMetadata(auth);
  router.get(new URL(protectedResourceMetadataUrl(resource)).pathname, (_req, res) => {
    res.set("Cache-Control", "public, max-age=300");
    res.json({
      resource,
      authorization_servers: [issuer],
      scopes_supported: [MCP_SCOPE, OFFLINE_SCOPE],
      bearer_methods_supported: ["header"],
      resource_name: "Commerce API (MCP)",
    });
  });
  router.get(authorizationServerMetadataPath(issuer), async (req, res, next) => {
    try {
      const answer = await authorizationServer(new Request(new URL(req.originalUrl, issuer)));
      res.status(answer.status);
      answer.headers.forEach((value, name) => {
        res.setHeader(name, value);
      });
      res.send(await answer.text());
    } catch (error) {
      next(error);
    }
  });
  return router;
}
