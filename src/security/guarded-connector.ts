import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { buildConnector } from "undici";
import { classifyAddress } from "./public-address.js";

/** Every address a host name resolves to (IP literals resolve to themselves). */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

/** The operating system's resolver (/etc/hosts, then DNS), every answer in the order it gave them. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, order: "verbatim" })).map((entry) => entry.address);

/** A connection the guard would not open; `message` names the address (for logs, not for untrusted clients). */
export class OutboundAddressRefusedError extends Error {
  readonly code = "ERR_OUTBOUND_ADDRESS_REFUSED";

  constructor(
    /** Scheme, host and port the connection was for. */
    readonly origin: string,
    /** The address refused (a resolved one for host names). */
    readonly address: string,
    readonly reason: string,
  ) {
    super(`outbound connection to ${origin} refused: ${address} is not a public address (${reason})`);
    this.name = "OutboundAddressRefusedError";
  }
}

export interface ConnectorPolicy {
  /** Origins (`https://host:port`) the operator configured: connected to wherever they resolve. */
  isTrustedOrigin(origin: string): boolean;
  /** Told about each refusal before the request fails. */
  onRefusal(error: OutboundAddressRefusedError): void;
  /** Default: the system resolver. */
  readonly resolve?: HostResolver;
}

/**
 * An undici connector that checks where a connection really goes, at the
 * moment it is opened: the host is resolved here, the connection is refused
 * when ANY of its addresses is not public (one private answer among public
 * ones is how DNS rebinding gets in), and otherwise opened to the address that
 * was checked, so a second DNS answer cannot swap in another one. Since every
 * redirect hop opens its own connection, each hop is checked too. TLS still
 * names and verifies the original host: undici derives SNI from `host`, which
 * is left as it was.
 */
export function guardedConnector(policy: ConnectorPolicy): buildConnector.connector {
  const connect = buildConnector({});
  const resolve = policy.resolve ?? systemResolver;
  return (options, callback) => {
    const origin = `${options.protocol}//${options.host ?? `${options.hostname}:${options.port}`}`;
    if (policy.isTrustedOrigin(origin)) {
      connect(options, callback);
      return;
    }
    checkedAddress(origin, options.hostname, resolve).then(
      (address) => connect({ ...options, hostname: address }, callback),
      (error: unknown) => {
        if (error instanceof OutboundAddressRefusedError) policy.onRefusal(error);
        callback(error instanceof Error ? error : new Error(String(error)), null);
      },
    );
  };
}

/** The first address of `hostname` once every one of them has been found public. */
async function checkedAddress(origin: string, hostname: string, resolve: HostResolver): Promise<string> {
  const addresses = isIP(hostname) ? [hostname] : await resolve(hostname);
  if (addresses.length === 0) throw new Error(`outbound connection to ${origin}: ${hostname} has no address`);
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.public) throw new OutboundAddressRefusedError(origin, address, verdict.reason);
  }
  return addresses[0]!;
}
