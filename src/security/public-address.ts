import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** Why an address is not one the server may reach on a stranger's say-so; `public` when it is. */
export type AddressVerdict = { readonly public: true } | { readonly public: false; readonly reason: string };

const PUBLIC: AddressVerdict = { public: true };

/** IPv6 global unicast (2000::/3): the only IPv6 space the Internet routes; the rest is local, special or unassigned. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
/** The well-known NAT64 prefix (RFC 6052): DNS64 maps every IPv4 destination into it on IPv6-only networks. */
const WELL_KNOWN_NAT64 = ipaddr.parseCIDR("64:ff9b::/96");

/**
 * Classifies one IP address (as DNS returns it or as a URL spells it after
 * parsing) for outbound connections: public only when the Internet routes it
 * to someone else's machine. Loopback, private, CGNAT, link-local,
 * unique-local, multicast, broadcast, documentation and reserved ranges are
 * refused, and so is every IPv6 form that carries an IPv4 address the
 * operating system would really connect to (IPv4-mapped, NAT64, 6to4, Teredo)
 * when that IPv4 address is not public. Ranges come from ipaddr.js (its IANA
 * special-purpose tables) rather than regular expressions over text, which is
 * how `[::ffff:127.0.0.1]` got past the agent-auth plugin's own check.
 */
export function classifyAddress(address: string): AddressVerdict {
  // Only real literals: ipaddr.js would also read "0x7f.1" or "2130706433", which no resolver returns.
  // A zone (fe80::1%eth0) only picks the interface of a link-local address; the bits decide.
  const bare = address.split("%")[0] ?? "";
  const family = isIP(bare);
  if (family === 0) return { public: false, reason: "not an IP address" };
  return family === 4 ? classifyIPv4(ipaddr.IPv4.parse(bare)) : classifyIPv6(ipaddr.IPv6.parse(hexIPv6(bare)));
}

/**
 * The WHATWG URL serialisation (all hex): ipaddr.js reads a dotted tail such as
 * `::127.0.0.1` (IPv4-compatible) as `::ffff:127.0.0.1` (IPv4-mapped).
 */
function hexIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function classifyIPv4(address: ipaddr.IPv4): AddressVerdict {
  const range = address.range();
  // ipaddr.js names every special-purpose block; only the remainder ("unicast") is public.
  return range === "unicast" ? PUBLIC : { public: false, reason: `IPv4 ${range}` };
}

function classifyIPv6(address: ipaddr.IPv6): AddressVerdict {
  const range = address.range();
  const bytes = address.toByteArray();
  switch (range) {
    case "ipv4Mapped": // ::ffff:a.b.c.d reaches a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d (SIIT) likewise
      return embedded("IPv4-mapped IPv6", bytes.slice(12, 16));
    case "rfc6052":
      // 64:ff9b::/96 translates to the embedded IPv4; the local-use 64:ff9b:1::/48 (RFC 8215) is site-local.
      return address.match(WELL_KNOWN_NAT64) ? embedded("NAT64", bytes.slice(12, 16)) : { public: false, reason: "IPv6 local-use NAT64" };
    case "6to4": // 2002:AABB:CCDD::/48 tunnels to AA.BB.CC.DD
      return embedded("6to4", bytes.slice(2, 6));
    case "teredo": {
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC: the server's IPv4 in clear, the client's inverted (RFC 4380).
      const server = embedded("Teredo server", bytes.slice(4, 8));
      return server.public
        ? embedded(
            "Teredo client",
            bytes.slice(12, 16).map((byte) => byte ^ 0xff),
          )
        : server;
    }
    case "unicast":
      return address.match(GLOBAL_UNICAST_V6) ? PUBLIC : { public: false, reason: "IPv6 outside global unicast 2000::/3" };
    default:
      return { public: false, reason: `IPv6 ${range}` };
  }
}

/** The verdict for an IPv4 address carried inside an IPv6 one, saying which form carried it. */
function embedded(form: string, octets: number[]): AddressVerdict {
  const inner = new ipaddr.IPv4(octets);
  const verdict = classifyIPv4(inner);
  return verdict.public ? PUBLIC : { public: false, reason: `${form} of ${inner.toString()} (${verdict.reason})` };
}
