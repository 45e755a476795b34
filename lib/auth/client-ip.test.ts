import { describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, clientIp, normalizeIp, stampedClientIp } from "./client-ip";

const h = (init: Record<string, string>) => new Headers(init);
const SECRET = "s".repeat(40);

describe("clientIp", () => {
  it("uses the address the server stamped from the socket and ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientIp(h({ [CLIENT_IP_HEADER]: stampedClientIp("192.0.2.7", SECRET), "x-forwarded-for": "203.0.113.9" }), 0, SECRET)).toBe("192.0.2.7");
    expect(clientIp(h({ [CLIENT_IP_HEADER]: stampedClientIp("2001:db8::1", SECRET) }), 0, SECRET)).toBe("2001:db8:0:0::/64");
    expect(clientIp(h({ "x-forwarded-for": "203.0.113.9" }), 0, SECRET)).toBeNull();
  });

  it("ignores an address the client wrote itself, as it would under `next start` with no server in front to overwrite it", () => {
    const stamped = stampedClientIp("192.0.2.7", SECRET);
    const mac = stamped.slice(stamped.indexOf(" ") + 1);
    for (const forged of ["192.0.2.7", `198.51.100.1 ${mac}`, `192.0.2.7 ${mac.slice(2)}`, `192.0.2.7 x${mac}`, ` ${mac}`, stampedClientIp("192.0.2.7", "t".repeat(40))]) {
      expect(clientIp(h({ [CLIENT_IP_HEADER]: forged }), 0, SECRET), forged).toBeNull();
    }
    // A second copy of the header, the stamp's or the client's, makes the value one the server never wrote.
    expect(clientIp(new Headers([[CLIENT_IP_HEADER, stamped], [CLIENT_IP_HEADER, stamped]]), 0, SECRET)).toBeNull();
    expect(clientIp(new Headers([[CLIENT_IP_HEADER, "198.51.100.1"], [CLIENT_IP_HEADER, stamped]]), 0, SECRET)).toBeNull();
    // Oversized: read and refused like any other.
    expect(clientIp(h({ [CLIENT_IP_HEADER]: `${"1".repeat(8000)} ${mac}` }), 0, SECRET)).toBeNull();
    // Without a secret nothing can be told apart from a client's claim.
    expect(clientIp(h({ [CLIENT_IP_HEADER]: stampedClientIp("192.0.2.7", "") }), 0, "")).toBeNull();
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
