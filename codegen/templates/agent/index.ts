/*
 * The agent half of the SDK: identity, discovery, JWTs, registration,
 * approval polling, and the middleware that signs requests.
 */

export * from "./approval.js";
export * from "./connect.js";
export * from "./discovery.js";
export * from "./errors.js";
export * from "./file-storage.js";
export * from "./grants.js";
export type { FetchLike } from "./http.js";
export * from "./identity.js";
export * from "./jwt.js";
export * from "./middleware.js";
export * from "./registration.js";
export * from "./session.js";
export * from "./status.js";
