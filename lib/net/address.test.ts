import { describe, expect, it } from "vitest";
import { checkAddress, ipLiteral } from "./address";

describe("checkAddress", () => {
  it.each([
    "8.8.8.8",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8", // mapped public IPv4 is the public host
    "64:ff9b::808:808", // NAT64 of a public address (DNS64 networks)
  ])("allows public unicast %s", (address) => {
    expect(checkAddress(address)).toEqual({ allowed: true });
  });

  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["169.254.169.254", "link-local"],
    ["169.254.1.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["192.0.2.1", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.9", "reserved"],
    ["198.18.0.1", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.0.8", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "unique-local"],
    ["ff02::1", "multicast"],
    ["fec0::1", "site-local"],
    ["2001:db8::1", "reserved"],
    ["100::1", "discard"],
    ["::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1"],
    ["::ffff:7f00:1", "IPv4-mapped form of 127.0.0.1"],
    ["::ffff:169.254.169.254", "IPv4-mapped form of 169.254.169.254"],
    ["::ffff:10.0.0.1", "IPv4-mapped form of 10.0.0.1"],
    ["::127.0.0.1", "IPv4-compatible form of 127.0.0.1"],
    ["::7f00:1", "IPv4-compatible form of 127.0.0.1"],
    ["::8.8.8.8", "IPv4-compatible"],
    ["::ffff:0:127.0.0.1", "IPv4-translated"],
    ["64:ff9b::7f00:1", "NAT64 form of 127.0.0.1"],
    ["64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"],
    ["64:ff9b:1::a00:1", "local-use NAT64"],
    ["2002:7f00:1::1", "6to4"],
    ["2002:a00:1::1", "6to4"],
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo"],
    ["4000::1", "unallocated"],
    ["not-an-ip", "not an IP address"],
  ])("refuses %s (%s)", (address, why) => {
    const verdict = checkAddress(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.reason).toContain(why);
  });

  it("lets loopback through only when asked (test-only setting)", () => {
    expect(checkAddress("127.0.0.1", { allowLoopback: true }).allowed).toBe(true);
    expect(checkAddress("::1", { allowLoopback: true }).allowed).toBe(true);
    expect(checkAddress("::ffff:127.0.0.1", { allowLoopback: true }).allowed).toBe(true);
    expect(checkAddress("10.0.0.1", { allowLoopback: true }).allowed).toBe(false);
    expect(checkAddress("169.254.169.254", { allowLoopback: true }).allowed).toBe(false);
  });
});

describe("ipLiteral", () => {
  it("recognises URL hosts that are addresses", () => {
    expect(ipLiteral(new URL("http://2130706433/").hostname)).toBe("127.0.0.1");
    expect(ipLiteral(new URL("http://0x7f.1/").hostname)).toBe("127.0.0.1");
    expect(ipLiteral(new URL("http://[::1]/").hostname)).toBe("::1");
    expect(ipLiteral("example.com")).toBeNull();
  });
});
