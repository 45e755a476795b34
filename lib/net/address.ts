import ipaddr from "ipaddr.js";

/**
 * Which IP addresses an outbound fetch may connect to. Only public unicast is allowed: every
 * other class (private, loopback, link-local with the cloud metadata endpoints, CGNAT, multicast,
 * documentation, reserved...) can reach something inside the operator's network.
 * IPv6 forms that carry an IPv4 address are judged by the IPv4 address they carry.
 */

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const AWS_METADATA_V6 = ipaddr.parseCIDR("fd00:ec2::/32");

export type AddressOptions = {
  /** Test-only (REEL_UNSAFE_ALLOW_LOOPBACK_FETCH): loopback passes. */
  allowLoopback?: boolean;
  /**
   * Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) pass: set only for host names an admin listed (a home
   * NAS). Loopback, link-local (metadata), CGNAT and the rest stay refused.
   */
  allowPrivate?: boolean;
};

export function checkAddress(address: string, options: AddressOptions = {}): AddressVerdict {
  const parsed = parse(address);
  if (!parsed) return { allowed: false, reason: `"${address}" is not an IP address` };
  return parsed.kind() === "ipv4"
    ? checkV4(parsed as ipaddr.IPv4, address, options)
    : checkV6(parsed as ipaddr.IPv6, address, options);
}

/**
 * ipaddr.js reads "::a.b.c.d" as if it were "::ffff:a.b.c.d", so IPv6 text goes through the URL parser's
 * canonical form (all hex) first. Zone ids and other oddities make the URL parser throw: not an address.
 */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(address)) return null;
  if (!address.includes(":")) return ipaddr.parse(address);
  try {
    return ipaddr.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1));
  } catch {
    return null;
  }
}

function checkV4(ip: ipaddr.IPv4, shown: string, options: AddressOptions): AddressVerdict {
  const range = ip.range();
  if (range === "unicast") return { allowed: true };
  if (range === "private" && options.allowPrivate) return { allowed: true };
  if (range === "loopback" && options.allowLoopback) return { allowed: true };
  return { allowed: false, reason: `${shown} is a ${describe(range)} address` };
}

function checkV6(ip: ipaddr.IPv6, shown: string, options: AddressOptions): AddressVerdict {
  const parts = ip.parts;
  const embedded = (hi: number, lo: number) => ipaddr.fromByteArray([hi >> 8, hi & 255, lo >> 8, lo & 255]) as ipaddr.IPv4;
  const judgeEmbedded = (form: string, v4: ipaddr.IPv4): AddressVerdict => {
    const verdict = checkV4(v4, v4.toString(), options);
    return verdict.allowed ? verdict : { allowed: false, reason: `${shown} is ${form} of ${v4.toString()}, which ${verdict.reason.replace(`${v4.toString()} `, "")}` };
  };

  const zeroPrefix = (n: number) => parts.slice(0, n).every((w) => w === 0);
  if (zeroPrefix(5) && parts[5] === 0xffff) return judgeEmbedded("an IPv4-mapped form", embedded(parts[6], parts[7]));
  if (zeroPrefix(6)) {
    if (parts[6] === 0 && parts[7] === 0) return { allowed: false, reason: `${shown} is the unspecified address` };
    if (parts[6] === 0 && parts[7] === 1) {
      return options.allowLoopback ? { allowed: true } : { allowed: false, reason: `${shown} is a loopback address` };
    }
    // IPv4-compatible addresses are deprecated (RFC 4291); some stacks still route them to the IPv4 host.
    return { allowed: false, reason: `${shown} is an IPv4-compatible form of ${embedded(parts[6], parts[7]).toString()}, which is never allowed` };
  }
  if (ip.match(NAT64_WELL_KNOWN)) return judgeEmbedded("a NAT64 form", embedded(parts[6], parts[7]));

  const range = ip.range();
  if (range === "6to4") {
    return { allowed: false, reason: `${shown} is a 6to4 tunnel address (embeds ${embedded(parts[1], parts[2]).toString()}); tunnel addresses are never allowed` };
  }
  if (range === "teredo") {
    // Teredo stores the client's IPv4 address inverted in the last 32 bits.
    const client = embedded(parts[6] ^ 0xffff, parts[7] ^ 0xffff);
    return { allowed: false, reason: `${shown} is a Teredo tunnel address (embeds ${client.toString()}); tunnel addresses are never allowed` };
  }
  if (range === "unicast" && ip.match(GLOBAL_UNICAST_V6)) return { allowed: true };
  // fd00:ec2::254 is the cloud metadata endpoint over IPv6: never a NAS.
  if (range === "uniqueLocal" && options.allowPrivate && !ip.match(AWS_METADATA_V6)) return { allowed: true };
  return { allowed: false, reason: `${shown} is a ${describe(range === "unicast" ? "unallocated" : range)} address` };
}

const names: Record<string, string> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local (cloud metadata lives here)",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT (100.64.0.0/10)",
  private: "private",
  reserved: "reserved or documentation",
  uniqueLocal: "unique-local (private IPv6)",
  ipv4Mapped: "IPv4-mapped",
  rfc6145: "IPv4-translated",
  rfc6052: "local-use NAT64",
  deprecatedSiteLocal: "site-local",
  discard: "discard-only",
};

function describe(range: string): string {
  return names[range] ?? `non-public (${range})`;
}

/** The URL's host as an IP address when it is one (URL parsing already turns 2130706433 or 0x7f.1 into dotted form). */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

export function isLoopback(address: string): boolean {
  const parsed = parse(address);
  if (!parsed) return false;
  const v4 = parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  return v4.range() === "loopback";
}
