import { describe, expect, it } from "vitest";
import { notVideoReason, safeFileName, titleFromFileName } from "./names";

describe("safeFileName", () => {
  it.each([
    ["holiday.mp4", "holiday.mp4"],
    ["../../etc/passwd", "passwd"],
    ["..\\..\\boot.ini", "boot.ini"],
    [".hidden.mkv", "hidden.mkv"],
    ["a/b/c d.MOV", "c d.mov"],
    ["weird$`name;rm -rf.mp4", "weird_name_rm -rf.mp4"],
    ["", "source"],
    ["....", "source"],
    ["clip.mp4\u0000.sh", "clip.mp4_.sh"],
    ["Café ünïcode.webm", "Café ünïcode.webm"],
  ])("%j → %j", (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it("keeps names short", () => {
    expect(safeFileName(`${"x".repeat(500)}.mp4`).length).toBeLessThanOrEqual(120);
  });
});

describe("titleFromFileName", () => {
  it("drops the extension and separators", () => {
    expect(titleFromFileName("my_holiday.2024.mp4")).toBe("my holiday 2024");
    expect(titleFromFileName("/videos/Some Film.mkv")).toBe("Some Film");
    expect(titleFromFileName("___.mp4")).toBe("Untitled video");
  });
});

describe("notVideoReason (the upload page's hint)", () => {
  it("accepts video types and video extensions with an unknown type", () => {
    expect(notVideoReason({ name: "a.mp4", type: "video/mp4", size: 10 })).toBeNull();
    expect(notVideoReason({ name: "a.mkv", type: "", size: 10 })).toBeNull();
    expect(notVideoReason({ name: "a.m2ts", type: "application/octet-stream", size: 10 })).toBeNull();
  });

  it("refuses other files with the reason", () => {
    expect(notVideoReason({ name: "a.mp3", type: "audio/mpeg", size: 10 })).toMatch(/audio file/);
    expect(notVideoReason({ name: "a.jpg", type: "image/jpeg", size: 10 })).toMatch(/image/);
    expect(notVideoReason({ name: "a.pdf", type: "application/pdf", size: 10 })).toMatch(/application\/pdf/);
    expect(notVideoReason({ name: "notes", type: "", size: 10 })).toMatch(/does not look like a video/);
    expect(notVideoReason({ name: "a.mp4", type: "video/mp4", size: 0 })).toMatch(/empty/);
  });
});
