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

  it("never compresses media, and not text larger than the limit", () => {
    expect(decide("GET", { "accept-encoding": "br" }, meta).body.kind).toBe("range");
    const big = describeFile({ size: 9 * 1024 * 1024, mtimeMs: 0, path: "hls/v0/index.m3u8" });
    expect(decide("GET", { "accept-encoding": "br" }, big).body.kind).toBe("range");
    expect(big.headers.vary).toBe("accept-encoding");
  });
});
