import { isIP, type Socket } from "node:net";
import type { Request, RequestHandler } from "express";
import { CLIENT_ADDRESS_HEADER } from "../auth/client-address-header.js";

/**
 * Writes the caller's address into CLIENT_ADDRESS_HEADER for Better Auth,
 * overwriting any value the client sent (Node joins repeated headers into the
 * one `req.headers` entry, so assigning it replaces every copy). Mounted for
 * every request, so the merchant pages that forward `req.headers` to
 * `auth.api.*` carry it too.
 */
export function clientAddressHeader(trustProxy: boolean): RequestHandler {
  // Without a trusted proxy the address is the socket's peer, the same for every request of a
  // keep-alive connection: found (and checked) once per connection rather than once per request.
  const peers = new WeakMap<Socket, string>();
  const addressOf = trustProxy
    ? clientAddress
    : (req: Request) => {
        const known = peers.get(req.socket);
        if (known !== undefined) return known;
        const address = clientAddress(req);
        if (address !== undefined) peers.set(req.socket, address);
        return address;
      };
  return (req, _res, next) => {
    const address = addressOf(req);
    if (address) req.headers[CLIENT_ADDRESS_HEADER] = address;
    else delete req.headers[CLIENT_ADDRESS_HEADER];
    next();
  };
}

/**
 * Express's `req.ip`: the socket's peer, or with `trust proxy` the client
 * named in X-Forwarded-For. A forwarded value that is not an address (a proxy
 * passing client junk through) falls back to the socket's peer, the proxy: a
 * shared bucket for whoever sends junk, never a fresh one per string.
 */
function clientAddress(req: Request): string | undefined {
  if (req.ip && isIP(req.ip)) return req.ip;
  const peer = req.socket.remoteAddress;
  return peer && isIP(peer) ? peer : undefined;
}
