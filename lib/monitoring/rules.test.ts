import { describe, expect, it } from "vitest";
import { BUCKET_BOUNDS_MS, BUCKET_COUNT, bucketOf, diskLevel, MAX_ROUTES, mediaCounter, COUNTERS, percentile, routeLabel } from "./rules";
import { RequestCounters } from "./counters";

describe("request-time histogram", () => {
  it("puts a time in the first bucket whose bound holds it", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.01)).toBe(1);
    expect(bucketOf(5)).toBe(BUCKET_BOUNDS_MS.indexOf(5));
    expect(bucketOf(1e9)).toBe(BUCKET_COUNT - 1);
  });

  it("reads a percentile back as the smallest bound with that share at or below it", () => {
    const buckets = new Array(BUCKET_COUNT).fill(0);
    buckets[bucketOf(3)] = 50;
    buckets[bucketOf(100)] = 45;
    buckets[bucketOf(900)] = 5;
    expect(percentile(buckets, 0.5)).toBe(3);
    expect(percentile(buckets, 0.51)).toBe(100);
    expect(percentile(buckets, 0.95)).toBe(100);
    expect(percentile(buckets, 0.96)).toBe(1000);
    expect(percentile(new Array(BUCKET_COUNT).fill(0), 0.5)).toBeNull();
    buckets[BUCKET_COUNT - 1] = 1000;
    expect(percentile(buckets, 0.95)).toBe(Infinity);
  });
});

describe("route labels", () => {
  it("names a request by method and route, with ids and asset files folded", () => {
    expect(routeLabel("GET", `/watch/0b7e4f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b?t=3`)).toBe("GET /watch/[id]");
    expect(routeLabel("POST", "/api/videos/123/progress")).toBe("POST /api/videos/[id]/progress");
    expect(routeLabel("GET", "/_next/static/chunks/abc123.js")).toBe("GET /_next/static/*");
    expect(routeLabel("GET", "/media/token/video/hls/master.m3u8")).toBe("GET /media/*");
    expect(routeLabel("BREW", "/")).toBe("OTHER /");
    expect(routeLabel("GET", "/a/b/c/d/e/f")).toBe("GET /a/b/c/d");
    expect(routeLabel("GET", `/tags/${"x".repeat(100)}`)).toBe("GET /tags/[long]");
  });

  it("keeps the number of routes bounded whatever clients ask for", () => {
    const counters = new RequestCounters();
    for (let i = 0; i < MAX_ROUTES * 2; i++) counters.record(counters.slot(`GET /page-${i}`), 200, 1);
    expect(counters.labels).toHaveLength(MAX_ROUTES);
    expect(counters.labels.at(-1)).toBe("(other)");
    expect(counters.counts[MAX_ROUTES - 1]).toBe(MAX_ROUTES + 1);
  });
});

describe("media counters and the disk", () => {
  it("counts media answers by status", () => {
    expect([200, 206, 304, 404, 416, 500].map((s) => COUNTERS[mediaCounter(s)])).toEqual(["media.200", "media.206", "media.304", "media.4xx", "media.4xx", "media.5xx"]);
  });

  it("warns while less than twice the reserve is free, and is full at the reserve", () => {
    const gb = 1024 ** 3;
    expect(diskLevel(10 * gb, gb)).toBe("ok");
    expect(diskLevel(2 * gb, gb)).toBe("ok");
    expect(diskLevel(1.5 * gb, gb)).toBe("warning");
    expect(diskLevel(gb, gb)).toBe("full");
    expect(diskLevel(0, gb)).toBe("full");
  });
});
