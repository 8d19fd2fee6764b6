import { describe, expect, it } from "vitest";
import { classifyAddress } from "../../src/security/public-address.js";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "IPv4 loopback"],
    ["127.255.255.254", "IPv4 loopback"],
    ["0.0.0.0", "IPv4 unspecified"],
    ["0.1.2.3", "IPv4 unspecified"],
    ["10.1.2.3", "IPv4 private"],
    ["172.16.0.1", "IPv4 private"],
    ["172.31.255.255", "IPv4 private"],
    ["192.168.1.1", "IPv4 private"],
    ["100.64.0.1", "IPv4 carrierGradeNat"],
    ["100.127.255.255", "IPv4 carrierGradeNat"],
    ["169.254.169.254", "IPv4 linkLocal"],
    ["224.0.0.1", "IPv4 multicast"],
    ["255.255.255.255", "IPv4 broadcast"],
    ["240.0.0.1", "IPv4 reserved"],
    ["192.0.2.1", "IPv4 reserved"],
    ["198.18.0.1", "IPv4 reserved"],
    ["::1", "IPv6 loopback"],
    ["::", "IPv6 unspecified"],
    ["fe80::1", "IPv6 linkLocal"],
    ["fe80::1%eth0", "IPv6 linkLocal"],
    ["fc00::1", "IPv6 uniqueLocal"],
    ["fd12:3456::1", "IPv6 uniqueLocal"],
    ["ff02::1", "IPv6 multicast"],
    ["2001:db8::1", "IPv6 reserved"],
    ["::ffff:127.0.0.1", "IPv4-mapped IPv6 of 127.0.0.1 (IPv4 loopback)"],
    ["::ffff:7f00:1", "IPv4-mapped IPv6 of 127.0.0.1 (IPv4 loopback)"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped IPv6 of 169.254.169.254 (IPv4 linkLocal)"],
    ["::ffff:0:7f00:1", "IPv4-mapped IPv6 of 127.0.0.1 (IPv4 loopback)"],
    ["::7f00:1", "IPv6 outside global unicast 2000::/3"], // IPv4-compatible (deprecated)
    ["::127.0.0.1", "IPv6 outside global unicast 2000::/3"],
    ["::8.8.8.8", "IPv6 outside global unicast 2000::/3"], // not the IPv4-mapped ::ffff:8.8.8.8
    ["64:ff9b::7f00:1", "NAT64 of 127.0.0.1 (IPv4 loopback)"],
    ["64:ff9b::a00:1", "NAT64 of 10.0.0.1 (IPv4 private)"],
    ["64:ff9b:1::1", "IPv6 local-use NAT64"],
    ["2002:7f00:1::1", "6to4 of 127.0.0.1 (IPv4 loopback)"],
    ["2002:c0a8:101::1", "6to4 of 192.168.1.1 (IPv4 private)"],
    ["2001:0:7f00:1::1", "Teredo server of 127.0.0.1 (IPv4 loopback)"],
    // Client 127.0.0.1 is stored inverted: 0x80ff:fffe.
    ["2001:0:5db8:d822::80ff:fffe", "Teredo client of 127.0.0.1 (IPv4 loopback)"],
    ["4000::1", "IPv6 outside global unicast 2000::/3"],
    ["localhost", "not an IP address"],
    ["2130706433", "not an IP address"],
    ["0x7f.0.0.1", "not an IP address"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(classifyAddress(address)).toEqual({ public: false, reason });
  });

  it.each([
    "93.184.215.14",
    "1.1.1.1",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "2a00:1450:4001::1",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("lets %s through", (address) => {
    expect(classifyAddress(address)).toEqual({ public: true });
  });
});
