/*
 * Stand-in for the contract-specific names the agent templates use, so the
 * templates type-check here without importing generated/ (codegen never
 * depends on its own output). The generator does NOT copy this file: it
 * writes `generated/sdk/agent/contract.ts` re-exporting the real
 * `CapabilityName`, `autoGrantedCapabilities` and client factory, and the
 * copied templates are type-checked again against those by `npm run typecheck`.
 */
import type { Client, ClientOptions, Middleware } from "openapi-fetch";

/** In generated output: the union of the contract's operationIds. */
export type CapabilityName = string;

/** In generated output: the capabilities granted without a merchant's approval. */
export declare const autoGrantedCapabilities: readonly CapabilityName[];

/** In generated output: `Client<paths>` of the contract. */
// biome-ignore lint/suspicious/noExplicitAny: a stand-in; generated output replaces it with Client<paths>.
export type ApiClient = Client<any>;

export interface ApiClientOptions extends ClientOptions {
  middleware?: readonly Middleware[];
}

/** In generated output: the SDK's client factory (`createCommerceClient` for our contract). */
export declare function createApiClient(options?: ApiClientOptions): ApiClient;
