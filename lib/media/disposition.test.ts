import { describe, expect, it } from "vitest";
import { attachmentHeader, downloadFileName } from "./disposition";

/** The two names a header offers, decoded as a browser reads them (RFC 6266 / RFC 8187). */
function names(header: string) {
  const plain = /; filename="([^"]*)"/.exec(header)?.[1];
  const ext = /; filename\*=UTF-8''([^;\s]+)$/.exec(header)?.[1];
  return { plain, extended: ext === undefined ? undefined : decodeURIComponent(ext) };
}

describe("download file names", () => {
  it("keeps an ordinary title, accents and all, with the extension", () => {
    expect(downloadFileName("Été à Paris — 2024", "MP4")).toBe("Été à Paris — 2024.mp4");
    const header = attachmentHeader("Été à Paris — 2024.mp4");
    expect(header.startsWith("attachment; ")).toBe(true);
    expect(names(header)).toEqual({ plain: "Ete a Paris _ 2024.mp4", extended: "Été à Paris — 2024.mp4" });
  });

  it("takes the teeth out of a hostile title: no header splitting, quotes, separators, dot files or bidi tricks", () => {
    const hostile = '../../etc/passwd"\r\nSet-Cookie: a=b; x="\\..\u202egnp.exe\u0000\t%2e%2e';
    const name = downloadFileName(hostile, "mkv");
    expect(name).not.toMatch(/[\r\n\0\t"'\\/:*?<>|%;\u202e]/);
    expect(name.startsWith(".")).toBe(false);
    expect(name.endsWith(".mkv")).toBe(true);
    const header = attachmentHeader(name);
    expect(header).not.toMatch(/[\r\n\0]/);
    // Exactly the two parameters: nothing the title held closes the quoted string or adds a parameter.
    expect(header.match(/;/g)).toHaveLength(2);
    const { plain, extended } = names(header);
    expect(plain).toMatch(/^[\x20-\x7e]+\.mkv$/);
    expect(extended).toBe(name);
  });

  it("falls back to a name when nothing is left, and bounds the length", () => {
    expect(downloadFileName("...///", "mp4")).toBe("video.mp4");
    expect(downloadFileName("", "mp4")).toBe("video.mp4");
    expect(downloadFileName("a".repeat(500), "mp4")).toBe(`${"a".repeat(60)}.mp4`);
    expect(downloadFileName("🎬".repeat(100), "mp4")).toBe(`${"🎬".repeat(60)}.mp4`);
    expect(downloadFileName("x", "../sh")).toBe("x.bin");
  });

  it("cleans again whatever name reaches the header", () => {
    expect(names(attachmentHeader('a"b\r\n.mp4')).extended).toBe("a_b.mp4");
    expect(names(attachmentHeader("noext")).extended).toBe("noext.bin");
  });
});
