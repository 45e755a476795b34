import fc from "fast-check";
import { describe, expect } from "vitest";
import { fuzz } from "@/test/fuzz";
import { checkAddress, ipLiteral, isLoopback } from "./address";

/**
 * The SSRF address checker against a reference written here with its own parsing and bit
 * arithmetic (no ipaddr.js): a table of the IANA special-purpose blocks. Policy: only public
 * unicast passes. Every special-purpose block is refused, even the few marked globally reachable
 * (AS112, AMT, anycast relays): Reel has nothing to fetch there. IPv6 passes only inside 2000::/3;
 * the forms that carry an IPv4 address (mapped, NAT64 64:ff9b::/96) are judged by it; the
 * deprecated IPv4-compatible form and the tunnels (6to4, Teredo) are always refused.
 */

type Block = { base: bigint; bits: number; width: 32 | 128 };

const v4Of = (text: string): bigint => text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);

/** `a.b.c.d/n` or an IPv6 `x:x::/n`, parsed by the reference parsers below. */
function block(cidr: string): Block {
  const [address, bits] = cidr.split("/");
  return address.includes(":") ? { base: referenceV6(address)!, bits: Number(bits), width: 128 } : { base: v4Of(address), bits: Number(bits), width: 32 };
}

const inBlock = (value: bigint, b: Block) => value >> BigInt(b.width - b.bits) === b.base >> BigInt(b.width - b.bits);

/** IANA IPv4 special-purpose registry, plus multicast (RFC 5771) and the reserved 240/4 with broadcast. */
const V4_REFUSED = [
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
  "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24",
  "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
].map(block);
const V4_LOOPBACK = block("127.0.0.0/8");

/** IANA IPv6 special-purpose blocks inside 2000::/3 (everything outside it is refused anyway). */
const V6_REFUSED_GLOBAL = ["2001::/23", "2001:db8::/32", "2002::/16", "2620:4f:8000::/48", "3fff::/20"].map(block);
const GLOBAL_UNICAST = block("2000::/3");
const MAPPED = block("::ffff:0:0/96");
const COMPATIBLE = block("::/96");
const NAT64 = block("64:ff9b::/96");

type Verdict = { allowed: boolean; loopback: boolean };

function referenceV4Verdict(value: bigint, allowLoopback: boolean): Verdict {
  const loopback = inBlock(value, V4_LOOPBACK);
  return { allowed: (loopback && allowLoopback) || !V4_REFUSED.some((b) => inBlock(value, b)), loopback };
}

function referenceV6Verdict(value: bigint, allowLoopback: boolean): Verdict {
  const low32 = value & 0xffffffffn;
  if (inBlock(value, MAPPED)) return referenceV4Verdict(low32, allowLoopback);
  if (value === 1n) return { allowed: allowLoopback, loopback: true };
  if (inBlock(value, COMPATIBLE)) return { allowed: false, loopback: false };
  if (inBlock(value, NAT64)) return { ...referenceV4Verdict(low32, allowLoopback), loopback: false };
  return { allowed: inBlock(value, GLOBAL_UNICAST) && !V6_REFUSED_GLOBAL.some((b) => inBlock(value, b)), loopback: false };
}

/** Dotted-quad as in RFC 4291's IPv6 text and RFC 3986's IPv4address: 0-255, no leading zeros. */
function referenceDotted(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return v4Of(text);
}

/** RFC 4291 §2.2 text: hex groups, at most one "::", an optional dotted-quad tail; no zone id. */
function referenceV6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let head = text;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = referenceDotted(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (side: string) => (side === "" ? [] : side.split(":").map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt(parseInt(g, 16)) : null)));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (left.includes(null) || right.includes(null)) return null;
  const count = left.length + right.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return null;
  const all = [...left, ...Array<bigint>(8 - count).fill(0n), ...right, ...tail] as bigint[];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** The WHATWG URL host parser's IPv4 number forms (what `new URL()` turns into a dotted quad). */
function referenceUrlV4(host: string): bigint | null {
  const parts = host.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length > 4 || parts.length === 0) return null;
  const numbers: bigint[] = [];
  for (const part of parts) {
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) numbers.push(part.length === 2 ? 0n : BigInt(part));
    else if (/^0[0-7]+$/.test(part)) numbers.push(BigInt(`0o${part.slice(1)}`));
    else if (/^(0|[1-9][0-9]*)$/.test(part)) numbers.push(BigInt(part));
    else return null;
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255n) || last >= 256n ** BigInt(5 - parts.length)) return null;
  return numbers.reduce((acc, n, i) => acc + (n << BigInt(8 * (3 - i))), last);
}

function referenceText(text: string, allowLoopback: boolean): Verdict | null {
  if (text.includes(":")) {
    const v6 = referenceV6(text);
    return v6 === null ? null : referenceV6Verdict(v6, allowLoopback);
  }
  const v4 = referenceDotted(text);
  return v4 === null ? null : referenceV4Verdict(v4, allowLoopback);
}

// ---- generators ------------------------------------------------------------------------------

const V4_BLOCKS = [...V4_REFUSED, ...["8.0.0.0/8", "100.0.0.0/8", "172.0.0.0/8", "192.0.0.0/8", "198.0.0.0/8", "223.0.0.0/8"].map(block)];

/** Addresses in, at the edges of, and just outside every block; and anywhere. */
const valueInArb = (blocks: Block[]) =>
  fc.tuple(fc.constantFrom(...blocks), fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.constantFrom("inside", "inside", "first", "last", "before", "after")).map(([b, r, where]) => {
    const span = 1n << BigInt(b.width - b.bits);
    const first = b.base - (b.base % span);
    const max = (1n << BigInt(b.width)) - 1n;
    const value = { inside: first + (r % span), first, last: first + span - 1n, before: first - 1n, after: first + span }[where];
    return value < 0n ? 0n : value > max ? max : value;
  });

const v4ValueArb = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), valueInArb(V4_BLOCKS));

const V6_BLOCKS = [
  ...V6_REFUSED_GLOBAL,
  ...[
    "::/128", "::1/128", "::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:1::/48",
    "2001:2::/48", "2001:3::/32", "2001:4:112::/48", "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:200::/23", "2620:4f:8000::/48",
    "2000::/3", "4000::/3", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2606:4700::/32",
  ].map(block),
];

/** IPv6 values, with the IPv4-carrying prefixes filled with interesting IPv4 addresses. */
const v6ValueArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
  valueInArb(V6_BLOCKS),
  fc.tuple(fc.constantFrom(0n, 0xffffn << 32n, block("64:ff9b::").base, 0xffffn << 48n), v4ValueArb).map(([prefix, v4]) => prefix | v4),
  fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 80n - 1n }), v4ValueArb).map(([low, v4]) => (0x2002n << 112n) | (v4 << 80n) | low),
);

const dotted = (v: bigint) => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join(".");

/** Text forms of one IPv6 value: full, RFC 5952 compressed, any zero run compressed, upper case, dotted tail. */
const v6TextArb = (value: bigint) => {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((value >> s) & 0xffffn));
  /** Every run of zero groups [a, b) that "::" may stand for. */
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < 8; i++) {
    if (groups[i] !== 0) continue;
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    for (let a = i; a < j; a++) for (let b = a + 1; b <= j; b++) runs.push([a, b]);
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  const tail = dotted(value & 0xffffffffn);
  const forms = [
    hex.join(":"),
    hex.join(":").toUpperCase(),
    groups.map((g) => g.toString(16).padStart(4, "0")).join(":"),
    `${hex.slice(0, 6).join(":")}:${tail}`,
    // "::" for one zero run, with hex groups throughout or a dotted-quad tail.
    ...runs.map(([a, b]) => `${hex.slice(0, a).join(":")}::${hex.slice(b).join(":")}`),
    ...runs.filter(([, b]) => b <= 6).map(([a, b]) => `${hex.slice(0, a).join(":")}::${hex.slice(b, 6).join(":")}${b === 6 ? "" : ":"}${tail}`),
  ];
  return fc.constantFrom(...forms);
};

const addressArb = fc.oneof(
  v4ValueArb.map(dotted),
  v6ValueArb.chain(v6TextArb),
);

/** How a URL may spell an IPv4 host: dotted, one number, 2-3 parts, hex, octal, leading zeros, a trailing dot. */
const urlV4HostArb = fc
  .tuple(v4ValueArb, fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom("dec", "hex", "HEX", "oct", "zeros"), { minLength: 4, maxLength: 4 }), fc.boolean())
  .map(([value, parts, styles, dot]) => {
    const numbers: bigint[] = [];
    for (let i = 0; i < parts - 1; i++) numbers.push((value >> BigInt(8 * (3 - i))) & 255n);
    numbers.push(value & ((1n << BigInt(8 * (5 - parts))) - 1n));
    const text = numbers.map((n, i) => {
      const style = styles[i];
      if (style === "hex") return `0x${n.toString(16)}`;
      if (style === "HEX") return `0X${n.toString(16).toUpperCase()}`;
      if (style === "oct") return `0${n.toString(8)}`;
      if (style === "zeros") return `00${n.toString(8)}`;
      return n.toString();
    });
    return `${text.join(".")}${dot ? "." : ""}`;
  });

const hostileArb = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: fc.constantFrom(..."0123456789abcdefxX.:[]%fF"), maxLength: 45 }),
  addressArb.chain((a) => fc.tuple(fc.nat(a.length), fc.constantFrom(" ", "%eth0", ".", ":", "::", "0", "x", "\n", "]", "[")).map(([i, s]) => a.slice(0, i) + s + a.slice(i))),
);

describe("SSRF address checker fuzz", () => {
  fuzz(
    "IPv4 and IPv6 addresses (every text form): classified like the CIDR-table reference",
    fc.property(addressArb, fc.boolean(), (address, allowLoopback) => {
      const want = referenceText(address, allowLoopback);
      expect(want, `the reference cannot read ${address}`).not.toBeNull();
      expect(checkAddress(address, { allowLoopback }).allowed, address).toBe(want!.allowed);
      expect(isLoopback(address), address).toBe(want!.loopback);
    }),
  );

  fuzz(
    "URL hosts (decimal, hex, octal, short IPv4 forms; bracketed IPv6): the literal the fetch connects to is judged like the reference",
    fc.property(fc.oneof(urlV4HostArb, v6ValueArb.chain(v6TextArb).map((a) => `[${a}]`)), fc.boolean(), (host, allowLoopback) => {
      const url = new URL(`http://${host}/`);
      const literal = ipLiteral(url.hostname);
      expect(literal, `${host} → ${url.hostname}`).not.toBeNull();
      const value = host.startsWith("[") ? referenceV6(host.slice(1, -1)) : referenceUrlV4(host);
      expect(value, `the reference cannot read ${host}`).not.toBeNull();
      const want = host.startsWith("[") ? referenceV6Verdict(value!, allowLoopback) : referenceV4Verdict(value!, allowLoopback);
      expect(checkAddress(literal!, { allowLoopback }).allowed, `${host} → ${literal}`).toBe(want.allowed);
    }),
  );

  fuzz(
    "arbitrary strings never crash and pass only when the reference reads a public address",
    fc.property(hostileArb, fc.boolean(), (text, allowLoopback) => {
      const verdict = checkAddress(text, { allowLoopback });
      if (!verdict.allowed) {
        expect(verdict.reason.length).toBeGreaterThan(0);
        return;
      }
      const want = referenceText(text, allowLoopback) ?? (referenceUrlV4(text) === null ? null : referenceV4Verdict(referenceUrlV4(text)!, allowLoopback));
      expect(want?.allowed, `${JSON.stringify(text)} passed`).toBe(true);
    }),
  );
});
