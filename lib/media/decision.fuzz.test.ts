import fc from "fast-check";
import { describe, expect } from "vitest";
import { fuzz } from "@/test/fuzz";
import { decide, describeFile, MAX_OVERLAPPING, MAX_RANGES, type Decision, type FileFacts, type MediaRequestHeaders } from "./decision";

/**
 * The media decision against a reference written from RFC 9110 (§13.1, §13.2.2, §14) with the
 * choices decision.ts documents: Range on GET only, an invalid or non-bytes Range ignored, a
 * 0-byte file served whole, more than MAX_RANGES specs or more than MAX_OVERLAPPING ranges in an
 * overlap refused with 416, unsatisfiable specs dropped. Positions are BigInts here, so numbers
 * past 2^53 are compared exactly.
 */

type Expected = { status: 405 | 412 | 304 | 416 } | { status: 200; encoding: "br" | "gzip" | null } | { status: 206; ranges: Array<[number, number]> };

type File = { size: number; mtimeSec: number; etag: string; compressible: boolean };

/** The validators and compressibility decision.ts documents: nginx's ETag, text up to 8 MiB. */
function referenceFile(facts: FileFacts): File {
  const mtimeSec = Math.floor(facts.mtimeMs / 1000);
  const compressible = /\.(m3u8|vtt|json)$/.test(facts.path) && facts.size > 0 && facts.size <= 8 * 1024 * 1024;
  return { size: facts.size, mtimeSec, etag: `"${mtimeSec.toString(16)}-${facts.size.toString(16)}"`, compressible };
}

const OWS = /^[ \t]*|[ \t]*$/g;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** RFC 9110 §14.1: "ignore" for an invalid ranges-specifier or another unit, else the specs. */
function referenceRangeSpecs(value: string): Array<{ first: bigint; last: bigint | null } | { suffix: bigint }> | "ignore" {
  const eq = value.indexOf("=");
  if (eq < 0) return "ignore";
  const unit = value.slice(0, eq);
  if (!TOKEN.test(unit) || unit.toLowerCase() !== "bytes") return "ignore";
  // 1#range-spec: empty list elements and OWS around elements are allowed (§5.6.1).
  const elements = value
    .slice(eq + 1)
    .split(",")
    .map((e) => e.replace(OWS, ""))
    .filter((e) => e !== "");
  if (elements.length === 0) return "ignore";
  const specs: Array<{ first: bigint; last: bigint | null } | { suffix: bigint }> = [];
  for (const element of elements) {
    let m: RegExpExecArray | null;
    if ((m = /^([0-9]+)-([0-9]*)$/.exec(element))) {
      const first = BigInt(m[1]);
      const last = m[2] === "" ? null : BigInt(m[2]);
      if (last !== null && last < first) return "ignore"; // §14.1.1: an invalid int-range
      specs.push({ first, last });
    } else if ((m = /^-([0-9]+)$/.exec(element))) {
      specs.push({ suffix: BigInt(m[1]) });
    } else {
      return "ignore";
    }
  }
  return specs;
}

function referenceRanges(value: string, size: number): Array<[number, number]> | "ignore" | 416 {
  const specs = referenceRangeSpecs(value);
  if (specs === "ignore") return specs;
  if (specs.length > MAX_RANGES) return 416;
  const n = BigInt(size);
  const satisfiable: Array<[number, number]> = [];
  for (const spec of specs) {
    if ("suffix" in spec) {
      if (spec.suffix > 0n) satisfiable.push([Number(spec.suffix >= n ? 0n : n - spec.suffix), size - 1]);
    } else if (spec.first < n) {
      satisfiable.push([Number(spec.first), Number(spec.last === null || spec.last >= n ? n - 1n : spec.last)]);
    }
  }
  if (satisfiable.length === 0) return 416;
  // Pairwise: how many ranges share a byte with another one.
  const involved = satisfiable.filter((a, i) => satisfiable.some((b, j) => i !== j && a[0] <= b[1] && b[0] <= a[1])).length;
  if (involved > MAX_OVERLAPPING) return 416;
  return satisfiable;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 9110 §5.6.7 HTTP-date (IMF-fixdate, rfc850-date, asctime-date), in Unix seconds, or null. */
function referenceHttpDate(value: string): number | null {
  const time = "([0-9]{2}):([0-9]{2}):([0-9]{2})";
  const imf = new RegExp(`^(${DAYS.join("|")}), ([0-9]{2}) (${MONTHS.join("|")}) ([0-9]{4}) ${time} GMT$`).exec(value);
  const rfc850 = new RegExp(`^(${LONG_DAYS.join("|")}), ([0-9]{2})-(${MONTHS.join("|")})-([0-9]{2}) ${time} GMT$`).exec(value);
  const asctime = new RegExp(`^(${DAYS.join("|")}) (${MONTHS.join("|")}) ([0-9]{2}| [0-9]) ${time} ([0-9]{4})$`).exec(value);
  let day: number, month: number, year: number, hh: number, mm: number, ss: number;
  if (imf) [day, month, year, hh, mm, ss] = [+imf[2], MONTHS.indexOf(imf[3]), +imf[4], +imf[5], +imf[6], +imf[7]];
  else if (asctime) [day, month, year, hh, mm, ss] = [+asctime[3].trim(), MONTHS.indexOf(asctime[2]), +asctime[7], +asctime[4], +asctime[5], +asctime[6]];
  else if (rfc850) {
    // §5.6.7: a two-digit year more than 50 years in the future is the latest past year with those digits.
    const now = new Date().getUTCFullYear();
    let y = now - (now % 100) + +rfc850[4];
    if (y > now + 50) y -= 100;
    [day, month, year, hh, mm, ss] = [+rfc850[2], MONTHS.indexOf(rfc850[3]), y, +rfc850[5], +rfc850[6], +rfc850[7]];
  } else return null;
  const daysInMonth = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (day < 1 || day > daysInMonth[month] || hh > 23 || mm > 59 || ss > 59) return null;
  return daysFromCivil(year, month + 1, day) * 86400 + hh * 3600 + mm * 60 + ss;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `#entity-tag` or "*" (§8.8.3, §13.1.1); null when the list does not parse. */
function referenceTagList(value: string): "*" | Array<{ weak: boolean; opaque: string }> | null {
  if (value.replace(OWS, "") === "*") return "*";
  const tags: Array<{ weak: boolean; opaque: string }> = [];
  let rest = value;
  for (;;) {
    rest = rest.replace(/^[ \t,]*/, "");
    if (rest === "") return tags.length > 0 ? tags : null;
    const m = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/.exec(rest);
    if (!m) return null;
    tags.push({ weak: m[1] !== undefined, opaque: m[2] });
    rest = rest.slice(m[0].length);
    if (!/^[ \t]*(,|$)/.test(rest)) return null;
  }
}

const ENCODINGS: Record<string, "br" | "gzip" | null> = {
  "gzip, deflate, br": "br",
  "gzip, deflate, br, zstd": "br",
  gzip: "gzip",
  "br;q=0, gzip": "gzip",
  "br;q=0.5, gzip;q=0.9": "gzip",
  "*": "br",
  "*;q=0": null,
  identity: null,
};

function reference(method: string, req: MediaRequestHeaders, file: File): Expected {
  if (method !== "GET" && method !== "HEAD") return { status: 405 };
  const range = method === "GET" && req.range ? req.range : null;
  const encoding = file.compressible && range === null && req["accept-encoding"] ? ENCODINGS[req["accept-encoding"]] : null;
  const etag = encoding ? `${file.etag.slice(0, -1)}-${encoding}"` : file.etag;
  const opaque = (tags: ReturnType<typeof referenceTagList>, strong: boolean) =>
    tags === "*" || (tags !== null && tags.some((t) => t.opaque === etag && !(strong && t.weak)));

  // §13.2.2, in its order.
  if (req["if-match"]) {
    if (!opaque(referenceTagList(req["if-match"]), true)) return { status: 412 };
  } else if (req["if-unmodified-since"]) {
    const since = referenceHttpDate(req["if-unmodified-since"]);
    if (since !== null && file.mtimeSec > since) return { status: 412 };
  }
  if (req["if-none-match"]) {
    if (opaque(referenceTagList(req["if-none-match"]), false)) return { status: 304 };
  } else if (req["if-modified-since"]) {
    const since = referenceHttpDate(req["if-modified-since"]);
    if (since !== null && file.mtimeSec <= since) return { status: 304 };
  }
  if (encoding) return { status: 200, encoding };
  if (range !== null && file.size > 0) {
    // §13.1.5: a strong tag compared strongly, or a date equal to Last-Modified.
    const ifRange = req["if-range"];
    const validator = ifRange?.replace(OWS, "");
    const current =
      !ifRange ||
      (validator!.startsWith('"') || validator!.startsWith("W/") ? validator === file.etag : referenceHttpDate(validator!) === file.mtimeSec);
    if (current) {
      const ranges = referenceRanges(range, file.size);
      if (ranges === 416) return { status: 416 };
      if (ranges !== "ignore") return { status: 206, ranges };
    }
  }
  return { status: 200, encoding: null };
}

function agrees(method: string, req: MediaRequestHeaders, facts: FileFacts): void {
  const file = referenceFile(facts);
  const want = reference(method, req, file);
  const meta = describeFile(facts);
  const got: Decision = decide(method, req, meta);
  const context = JSON.stringify({ method, req, facts, etag: meta.etag, lastModified: meta.lastModified });
  expect(meta.etag, context).toBe(file.etag);
  expect(meta.lastModified, context).toBe(new Date(file.mtimeSec * 1000).toUTCString());
  expect(got.status, context).toBe(want.status);
  expect(got.head, context).toBe(method === "HEAD");
  if (want.status === 200) {
    if (want.encoding) {
      expect(got.body, context).toEqual({ kind: "encoded", encoding: want.encoding });
    } else {
      expect(got.headers["content-length"], context).toBe(String(file.size));
      expect(got.body, context).toEqual(file.size === 0 ? { kind: "empty" } : { kind: "range", start: 0, end: file.size - 1 });
    }
  } else if (want.status === 206) {
    if (want.ranges.length === 1) {
      const [[start, end]] = want.ranges;
      expect(got.body, context).toEqual({ kind: "range", start, end });
      expect(got.headers["content-range"], context).toBe(`bytes ${start}-${end}/${file.size}`);
      expect(got.headers["content-length"], context).toBe(String(end - start + 1));
    } else {
      expect(got.body.kind, context).toBe("multipart");
      if (got.body.kind !== "multipart") return;
      expect(
        got.body.parts.map((p) => [p.start, p.end]),
        context,
      ).toEqual(want.ranges);
      const length = got.body.parts.reduce((sum, p) => sum + BigInt(p.head.length) + BigInt(p.end) - BigInt(p.start) + 1n, BigInt(got.body.tail.length));
      expect(got.headers["content-length"], context).toBe(String(length));
      for (const p of got.body.parts) expect(p.head, context).toContain(`content-range: bytes ${p.start}-${p.end}/${file.size}\r\n`);
    }
  } else if (want.status === 416) {
    expect(got.headers["content-range"], context).toBe(`bytes */${file.size}`);
    expect(got.body, context).toEqual({ kind: "empty" });
  } else {
    expect(got.body, context).toEqual({ kind: "empty" });
  }
}

// ---- generators ------------------------------------------------------------------------------

const PATHS = ["hls/v0/seg_00001.m4s", "mp4/video.mp4", "source/upload.mkv", "hls/master.m3u8", "captions/en.vtt"];

const sizeArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 200 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53 - 2, 8 * 1024 * 1024, 8 * 1024 * 1024 + 1) },
);

const factsArb = fc.record({ size: sizeArb, mtimeMs: fc.integer({ min: 0, max: 4_102_444_800_000 }), path: fc.constantFrom(...PATHS) });

/** A byte position written in decimal: near the size, small, or far beyond 2^53, maybe with leading zeros. */
const positionArb = (size: number) =>
  fc
    .tuple(
      fc.oneof(
        fc.integer({ min: -3, max: 3 }).map((d) => BigInt(Math.max(0, size + d))),
        fc.bigInt({ min: 0n, max: 300n }),
        fc.bigInt({ min: 0n, max: 10n ** 25n }),
        fc.integer({ min: -2, max: 2 }).map((d) => 2n ** 53n + BigInt(d)),
      ),
      fc.constantFrom("", "", "", "0", "000"),
    )
    .map(([n, zeros]) => `${zeros}${n}`);

/** Mostly OWS (spaces, tabs), sometimes whitespace that is not OWS. */
const owsArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom("", "", "", " ", "\t", "  ", " \t") },
  { weight: 1, arbitrary: fc.constantFrom("\u00a0", "\v", "\f", "\u2028", "\ufeff", "\r") },
);

/** Two positions past 2^53 that differ by a little: Number() rounds them to the same double. */
const hugePairArb = fc
  .tuple(fc.bigInt({ min: 2n ** 53n, max: 10n ** 22n }), fc.integer({ min: -3, max: 3 }))
  .map(([n, d]) => `${n}-${n + BigInt(d)}`);

const specArb = (size: number) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.tuple(positionArb(size), positionArb(size)).map(([a, b]) => `${a}-${b}`) },
    { weight: 6, arbitrary: positionArb(size).map((a) => `${a}-`) },
    { weight: 6, arbitrary: positionArb(size).map((a) => `-${a}`) },
    { weight: 2, arbitrary: hugePairArb },
    { weight: 1, arbitrary: fc.constantFrom("", "-", "--1", "1-2-3", "1 - 2", "+1-2", "1.5-2", "0x10-20", "a-b", "1-", "-1", "١-٢", "1-2;x") },
  );

const rangeArb = (size: number) =>
  fc
    .record({
      unit: fc.constantFrom("bytes", "bytes", "bytes", "bytes", "Bytes", "BYTES", "bytes ", " bytes", "byte", "bits", "", "b\u00ffytes"),
      eq: fc.constantFrom("=", "=", "=", "= ", "==", ""),
      specs: fc.array(fc.tuple(owsArb, specArb(size), owsArb), { minLength: 0, maxLength: 20 }),
      separator: fc.constantFrom(",", ",", ",", ",,", ";", ", "),
    })
    .map(({ unit, eq, specs, separator }) => `${unit}${eq}${specs.map(([a, s, b]) => `${a}${s}${b}`).join(separator)}`);

const httpDates = (seconds: number) => {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const [day, month, year] = [d.getUTCDate(), MONTHS[d.getUTCMonth()], d.getUTCFullYear()];
  return [
    d.toUTCString(),
    `${LONG_DAYS[d.getUTCDay()]}, ${pad(day)}-${month}-${pad(year % 100)} ${time} GMT`,
    `${DAYS[d.getUTCDay()]} ${month} ${String(day).padStart(2, " ")} ${time} ${year}`,
    d.toISOString(),
    d.toUTCString().toLowerCase(),
    d.toUTCString().replace("GMT", "UTC"),
    d.toUTCString().replace(/^\w+, /, ""),
    `${d.toUTCString()} `,
    String(seconds),
  ];
};

const dateArb = (file: File) =>
  fc.oneof(
    fc.tuple(fc.integer({ min: -2, max: 2 }), fc.nat(8)).map(([delta, form]) => httpDates(Math.max(0, file.mtimeSec + delta))[form]),
    fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => httpDates(s)[0]),
    fc.constantFrom("0", "1", "2024", "yesterday", "Sun, 30 Feb 2025 00:00:00 GMT", "Sun, 01 Jan 2025 24:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sat, 06 Nov 0094 08:49:37 GMT", "Sun Nov 06 08:49:37 1994"),
  );

const tagArb = (file: File) =>
  fc.constantFrom(
    file.etag,
    `W/${file.etag}`,
    `${file.etag.slice(0, -1)}-br"`,
    `${file.etag.slice(0, -1)}-gzip"`,
    `W/${file.etag.slice(0, -1)}-gzip"`,
    '"other"',
    '"a,b"',
    '""',
    file.etag.slice(1, -1),
    `"${file.etag}"`,
    `x${file.etag}`,
  );

const tagListArb = (file: File) =>
  fc.oneof(
    fc.constantFrom("*", " * ", "*, *"),
    fc.array(fc.tuple(owsArb, tagArb(file), owsArb), { minLength: 1, maxLength: 4 }).map((tags) => tags.map(([a, t, b]) => `${a}${t}${b}`).join(",")),
  );

const methodArb = fc.constantFrom("GET", "GET", "GET", "HEAD", "POST", "get", "OPTIONS");

const structuredArb = factsArb.chain((facts) => {
  const file = referenceFile(facts);
  return fc.record({
    facts: fc.constant(facts),
    method: methodArb,
    req: fc.record(
      {
        range: rangeArb(file.size),
        "if-match": tagListArb(file),
        "if-none-match": tagListArb(file),
        "if-modified-since": dateArb(file),
        "if-unmodified-since": dateArb(file),
        "if-range": fc.oneof(tagArb(file), dateArb(file)),
        "accept-encoding": fc.constantFrom(...Object.keys(ENCODINGS)),
      },
      { requiredKeys: ["range"] },
    ),
  });
});

const anyString = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: fc.constantFrom(..."bytes=0123456789-, \t*W/\"GMTSunNov:"), maxLength: 60 }));

const arbitraryArb = fc.record({
  facts: factsArb,
  method: fc.oneof(methodArb, fc.string({ maxLength: 8 })),
  req: fc.record(
    {
      range: anyString,
      "if-match": anyString,
      "if-none-match": anyString,
      "if-modified-since": anyString,
      "if-unmodified-since": anyString,
      "if-range": anyString,
      "accept-encoding": fc.constantFrom(...Object.keys(ENCODINGS)),
    },
    { requiredKeys: [] },
  ),
});

describe("media decision fuzz", () => {
  fuzz(
    "Range and preconditions, structured: agree with the RFC 9110 reference",
    fc.property(structuredArb, ({ facts, method, req }) => agrees(method, req, facts)),
  );
  fuzz(
    "Range and preconditions, arbitrary strings: no crash, agree with the reference",
    fc.property(arbitraryArb, ({ facts, method, req }) => agrees(method, req, facts)),
  );
});
