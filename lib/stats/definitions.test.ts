import { describe, expect, it } from "vitest";
import { browserFamily, deviceClass, histogramPercentile, STARTUP_BUCKETS_MS } from "./definitions";

describe("browser family", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36", "chrome"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0", "edge"],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "firefox"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "safari"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1", "chrome"],
    ["Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 OPR/106.0", "other"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "chrome"],
    ["curl/8.0", "other"],
    [null, "other"],
  ])("%s → %s", (ua, family) => expect(browserFamily(ua)).toBe(family));
});

describe("device class", () => {
  it("comes from the viewport's short side, TVs from their User-Agent", () => {
    expect(deviceClass({ width: 390, height: 844 })).toBe("phone");
    expect(deviceClass({ width: 844, height: 390 })).toBe("phone");
    expect(deviceClass({ width: 820, height: 1180 }, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)")).toBe("tablet");
    expect(deviceClass({ width: 1366, height: 850 })).toBe("desktop");
    expect(deviceClass({ width: 1920, height: 1080 }, "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)")).toBe("tv");
    expect(deviceClass(null)).toBe("desktop");
  });
});

describe("startup percentiles from a histogram", () => {
  it("are the upper edge of the bucket holding the nearest-rank session", () => {
    const histogram = new Array(STARTUP_BUCKETS_MS.length + 1).fill(0);
    // Buckets: ≤ 100 ms (2 sessions), 200–300 ms (1), 500–750 ms (1), above 60 s (1).
    histogram[0] = 2;
    histogram[2] = 1;
    histogram[5] = 1;
    histogram[16] = 1;
    expect(histogramPercentile(histogram, 0.4)).toBe(100);
    expect(histogramPercentile(histogram, 0.5)).toBe(300);
    expect(histogramPercentile(histogram, 0.8)).toBe(750);
    expect(histogramPercentile(histogram, 0.95)).toBe(60000);
    expect(histogramPercentile(histogram.map(() => 0), 0.5)).toBeNull();
  });
});
