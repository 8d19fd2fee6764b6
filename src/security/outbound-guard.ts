import { Agent, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { guardedConnector, type HostResolver, type OutboundAddressRefusedError } from "./guarded-connector.js";

export interface OutboundGuardOptions {
  /**
   * Destinations the operator configured (approval webhook, proxied API):
   * URLs or origins; only scheme, host and port count. They may be on a
   * private network or this machine, so they skip the address check.
   */
  readonly allowedOrigins?: Iterable<string>;
  /** Told about each refused connection (log it: the error names the address). */
  readonly onRefusal?: (error: OutboundAddressRefusedError) => void;
}

/** One installation's share of the guard; `release()` withdraws its allowed origins and listener. */
export interface OutboundGuard {
  release(): void;
}

interface Grant {
  readonly origins: ReadonlySet<string>;
  readonly onRefusal: ((error: OutboundAddressRefusedError) => void) | undefined;
}

interface GuardState {
  readonly dispatcher: Agent;
  readonly grants: Set<Grant>;
}

// On globalThis, like undici's own global dispatcher: a second copy of this module (a test runner
// re-importing it, two bundles) must find the same guard instead of stacking a new one.
const STATE = Symbol.for("commerce-api.outbound-guard");
type GuardGlobal = typeof globalThis & { [STATE]?: GuardState };

/**
 * Makes every outgoing `fetch` of this process (Node's global fetch runs on
 * undici's global dispatcher) refuse connections to addresses that are not
 * public, checked on the resolved address when the connection opens: this
 * covers URLs we never see (the agent-auth plugin fetches host and agent JWKS
 * URLs and CIBA notification endpoints that strangers choose), names that
 * resolve to 127.0.0.1, DNS rebinding and every redirect hop.
 *
 * Safe to call more than once: the first call installs the guard, each call
 * adds its allowed origins (the allow list is the union of all installations
 * not yet released) and its refusal listener. The guard itself stays until
 * the process ends, so releasing never reopens private addresses.
 *
 * Only fetch is covered: `node:http`, `node:net` and database drivers connect
 * on their own (to destinations the operator configured).
 */
export function installOutboundGuard(options: OutboundGuardOptions = {}): OutboundGuard {
  const state = guardState();
  // Someone else may have replaced the global dispatcher since: put the guard back.
  if (getGlobalDispatcher() !== state.dispatcher) setGlobalDispatcher(state.dispatcher);
  const grant: Grant = { origins: new Set([...(options.allowedOrigins ?? [])].map(originOf)), onRefusal: options.onRefusal };
  state.grants.add(grant);
  return {
    release() {
      state.grants.delete(grant);
    },
  };
}

/**
 * An undici dispatcher with the same address check but its own allow list,
 * for callers that pass `dispatcher` explicitly (and tests that must choose
 * the resolver). It does not touch the global dispatcher.
 */
export function createGuardedAgent(options: OutboundGuardOptions & { readonly resolve?: HostResolver } = {}): Agent {
  const origins = new Set([...(options.allowedOrigins ?? [])].map(originOf));
  return new Agent({
    connect: guardedConnector({
      isTrustedOrigin: (origin) => origins.has(origin),
      onRefusal: (error) => options.onRefusal?.(error),
      resolve: options.resolve,
    }),
  });
}

function guardState(): GuardState {
  const global = globalThis as GuardGlobal;
  if (global[STATE]) return global[STATE];
  const grants = new Set<Grant>();
  const dispatcher = new Agent({
    connect: guardedConnector({
      isTrustedOrigin: (origin) => [...grants].some((grant) => grant.origins.has(origin)),
      onRefusal: (error) => {
        for (const grant of grants) grant.onRefusal?.(error);
      },
    }),
  });
  global[STATE] = { dispatcher, grants };
  return global[STATE];
}

/** `scheme://host[:port]` exactly as the connector sees it (URL drops default ports on both sides). */
function originOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError(`allowed outbound origin must be http(s): ${url}`);
  return parsed.origin;
}
