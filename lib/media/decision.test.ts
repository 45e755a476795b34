import { describe, expect, it } from "vitest";
import { decide, describeFile, negotiate, parseRange } from "./decision";

describe("parseRange", () => {
  const size = 1000;
  it.each([
    ["bytes=0-0", [0, 0]],
    ["bytes=0-", [0, 999]],
    ["bytes=-1", [999, 999]],
    ["bytes=-5000", [0, 999]],
    ["bytes=990-5000", [990, 999]],
    ["Bytes=1-2", [1, 2]],
    ["bytes=1-2, 5-6", [1, 2, 5, 6]],
    ["bytes=1-2,,5-6", [1, 2, 5, 6]],
    ["bytes=0-9,2000-3000", [0, 9]],
    ["bytes=0-99,50-149", [0, 99, 50, 149]],
    ["bytes=0-99,100-199,200-299", [0, 99, 100, 199, 200, 299]],
    ["bytes=99999999999999999999-", "unsatisfiable"],
    ["bytes=1000-", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=0-99,50-149,90-95", "unsatisfiable"],
    ["bytes=0-9,5-15,100-110,105-115", "unsatisfiable"],
    ["bytes=9-0", "ignore"],
    ["bytes=1-2,9-0", "ignore"],
    ["bytes=-", "ignore"],
    ["bytes=--5", "ignore"],
    ["bytes=1.5-2", "ignore"],
    ["bytes=+1-2", "ignore"],
    ["items=0-1", "ignore"],
    ["bytes", "ignore"],
    // Past 2^53 both ends round to the same double; the end is still before the start.
    ["bytes=10184824468575584-10184824468575583", "ignore"],
    ["bytes=0-1,9007199254740993-9007199254740992", "ignore"],
    ["bytes=9007199254740993-9007199254740993", "unsatisfiable"],
    // OWS is spaces and tabs; other whitespace makes the spec invalid.
    ["bytes=0-1, \t2-3", [0, 1, 2, 3]],
    ["bytes=-0\r", "ignore"],
    ["bytes=\u00a00-1", "ignore"],
    ["bytes=0-1,\ufeff2-3", "ignore"],
  ] as const)("%s → %j", (header, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it("counts range-specs before dropping unsatisfiable ones (at most 16)", () => {
    const many = `bytes=0-0,${Array.from({ length: 16 }, () => "5000-5001").join(",")}`;
    expect(parseRange(many, size)).toBe("unsatisfiable");
  });
});

describe("negotiate", () => {
  it.each([
    ["gzip, deflate, br", "br"],
    ["gzip", "gzip"],
    ["br;q=0.5, gzip;q=0.9", "gzip"],
    ["br;q=0, gzip;q=0", null],
    ["*", "br"],
    ["*;q=0, gzip", "gzip"],
    ["identity", null],
    ["", null],
  ] as const)("%j → %s", (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
});

describe("decide", () => {
  const meta = describeFile({ size: 10, mtimeMs: 1_700_000_000_500, path: "hls/v0/seg_00001.m4s" });

  it("builds an nginx-style strong ETag and an HTTP date", () => {
    expect(meta.etag).toBe(`"${(1_700_000_000).toString(16)}-a"`);
    expect(meta.lastModified).toBe("Tue, 14 Nov 2023 22:13:20 GMT");
  });

  it("reuses one answer for plain GETs (no work per request)", () => {
    expect(decide("GET", {}, meta)).toBe(meta.fullGet);
    expect(decide("HEAD", { range: "bytes=0-1" }, meta)).toBe(meta.fullHead);
  });

  it("If-Match wins over If-Unmodified-Since; If-None-Match over If-Modified-Since", () => {
    expect(decide("GET", { "if-match": meta.etag, "if-unmodified-since": "Thu, 01 Jan 1970 00:00:00 GMT" }, meta).status).toBe(200);
    expect(decide("GET", { "if-unmodified-since": "Thu, 01 Jan 1970 00:00:00 GMT" }, meta).status).toBe(412);
    expect(decide("GET", { "if-none-match": '"x"', "if-modified-since": meta.lastModified }, meta).status).toBe(200);
    expect(decide("HEAD", { "if-none-match": meta.etag }, meta).status).toBe(304);
  });

  it("ignores If-Range without Range, and a weak If-Range tag", () => {
    expect(decide("GET", { "if-range": '"nope"' }, meta).status).toBe(200);
    expect(decide("GET", { range: "bytes=0-1", "if-range": `W/${meta.etag}` }, meta).status).toBe(200);
    expect(decide("GET", { range: "bytes=0-1", "if-range": meta.etag }, meta).status).toBe(206);
  });

  it("reads only HTTP-dates in If-Modified-Since, If-Unmodified-Since and If-Range", () => {
    const ranged = (ifRange: string) => decide("GET", { range: "bytes=0-1", "if-range": ifRange }, meta).status;
    // Date.parse would read these as dates.
    expect(decide("GET", { "if-unmodified-since": "0" }, meta).status).toBe(200);
    expect(decide("GET", { "if-modified-since": "2030" }, meta).status).toBe(200);
    expect(decide("GET", { "if-modified-since": "Sat, 30 Feb 2030 00:00:00 GMT" }, meta).status).toBe(200);
    expect(ranged(new Date(1_700_000_000_000).toISOString())).toBe(200);
    expect(ranged("tue, 14 nov 2023 22:13:20 gmt")).toBe(200);
    // The three forms RFC 9110 §5.6.7 makes recipients accept.
    expect(ranged("Tue, 14 Nov 2023 22:13:20 GMT")).toBe(206);
    expect(ranged("Tuesday, 14-Nov-23 22:13:20 GMT")).toBe(206);
    expect(ranged("Tue Nov 14 22:13:20 2023")).toBe(206);
    expect(decide("GET", { "if-unmodified-since": "Sun Nov  6 08:49:37 1994" }, meta).status).toBe(412);
    // A four-digit year is that year, not 1900 + it.
    expect(decide("GET", { "if-unmodified-since": "Sat, 06 Nov 0094 08:49:37 GMT" }, meta).status).toBe(412);
  });

  it("matches entity tags whole, never inside other text", () => {
    expect(decide("GET", { "if-none-match": `"${meta.etag}"` }, meta).status).toBe(200);
    expect(decide("GET", { "if-none-match": `x${meta.etag}` }, meta).status).toBe(200);
    expect(decide("GET", { "if-none-match": `"a", ${meta.etag}, ` }, meta).status).toBe(304);
    expect(decide("GET", { "if-none-match": `W/${meta.etag}` }, meta).status).toBe(304);
    expect(decide("GET", { "if-match": `W/${meta.etag}` }, meta).status).toBe(412);
    expect(decide("GET", { "if-match": ` "a" ,${meta.etag}` }, meta).status).toBe(200);
  });

  it("announces the exact multipart length even past 2^53", () => {
    const huge = describeFile({ size: Number.MAX_SAFE_INTEGER, mtimeMs: 0, path: "source/upload.mkv" });
    const d = decide("GET", { range: "bytes=-9007199254740991,-399188606398257" }, huge);
    expect(d.body.kind).toBe("multipart");
    if (d.body.kind !== "multipart") return;
    const exact = d.body.parts.reduce((sum, p) => sum + BigInt(p.head.length) + BigInt(p.end) - BigInt(p.start) + 1n, BigInt(d.body.tail.length));
    expect(d.headers["content-length"]).toBe(String(exact));
  });

  it("never compresses media, and not text larger than the limit", () => {
    expect(decide("GET", { "accept-encoding": "br" }, meta).body.kind).toBe("range");
    const big = describeFile({ size: 9 * 1024 * 1024, mtimeMs: 0, path: "hls/v0/index.m3u8" });
    expect(decide("GET", { "accept-encoding": "br" }, big).body.kind).toBe("range");
    expect(big.headers.vary).toBe("accept-encoding");
  });
});
