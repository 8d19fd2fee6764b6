/**
 * The request header Better Auth reads the client address from
 * (`advanced.ipAddress.ipAddressHeaders`): its rate limiter keys on it and
 * sessions record it. Our HTTP layer sets it on every request from the socket,
 * or from X-Forwarded-For only with TRUST_PROXY (see src/http/client-address.ts),
 * replacing whatever a client sent under this name. Better Auth's default,
 * X-Forwarded-For, is whatever the client writes: rotating it gave fresh
 * buckets, and without it every client shared one.
 */
export const CLIENT_ADDRESS_HEADER = "x-commerce-client-ip";
