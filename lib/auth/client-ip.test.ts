import { describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, clientIp, normalizeIp } from "./client-ip";

const h = (init: Record<string, string>) => new Headers(init);

describe("clientIp", () => {
  it("uses the address the server stamped from the socket and ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientIp(h({ [CLIENT_IP_HEADER]: "192.0.2.7", "x-forwarded-for": "203.0.113.9" }), 0)).toBe("192.0.2.7");
    expect(clientIp(h({ "x-forwarded-for": "203.0.113.9" }), 0)).toBeNull();
  });

  it("behind trusted proxies takes the hop the outermost proxy appended, not what the client wrote", () => {
    const forged = h({ [CLIENT_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "1.1.1.1, 198.51.100.4, 10.0.0.1" });
    expect(clientIp(forged, 1)).toBe("10.0.0.1");
    expect(clientIp(forged, 2)).toBe("198.51.100.4");
    expect(clientIp(h({ "x-forwarded-for": "198.51.100.4" }), 3)).toBe("198.51.100.4");
    expect(clientIp(h({}), 1)).toBeNull();
  });

  // IPv4-mapped IPv6 to IPv4, IPv6 to its /64, garbage to null.
  it.each([
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["2001:db8:0:12:abcd::1", "2001:db8:0:12::/64"],
    ["2001:db8:0:12:ffff::2", "2001:db8:0:12::/64"],
    ["[2001:db8::1]", "2001:db8:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["not-an-ip", null],
    ["", null],
  ])("normalises the address %j to %j", (address, normalised) => {
    expect(normalizeIp(address)).toBe(normalised);
  });
});
