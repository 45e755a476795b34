import { describe, expect, it } from "vitest";
import { isCopied, isSafeRelative, sizesOf, unverified } from "./migration";

describe("migration rules", () => {
  it("accepts the layout's names and refuses names that could leave a video's folder", () => {
    for (const ok of ["hls/master.m3u8", "hls/v240/seg00000.m4s", "thumbs/poster 320.webp", "source/original.mkv", "a..b/c"]) expect(isSafeRelative(ok)).toBe(true);
    for (const bad of ["", "..", "../x", "hls/../../x", "hls/./x", "/etc/passwd", "hls//x", "hls/", "hls\\..\\x", "a\u0000b", "x\ny"]) expect(isSafeRelative(bad)).toBe(false);
  });

  it("counts a file as copied only when the target holds it at the same size", () => {
    const target = sizesOf([{ relative: "a", size: 3 }, { relative: "b", size: 0 }]);
    expect(isCopied({ relative: "a", size: 3 }, target)).toBe(true);
    expect(isCopied({ relative: "a", size: 4 }, target)).toBe(false);
    expect(isCopied({ relative: "c", size: 0 }, target)).toBe(false);
    expect(unverified([{ relative: "a", size: 3 }, { relative: "b", size: 1 }, { relative: "c", size: 2 }], target)).toEqual(["b", "c"]);
  });
});
