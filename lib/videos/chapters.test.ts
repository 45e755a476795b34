import { describe, expect, it } from "vitest";
import { chaptersFromDescription, chaptersFromProbe, chaptersFromVtt, chaptersOf, chaptersVtt } from "./chapters";

describe("chapters from a description", () => {
  it("reads timestamp lines in YouTube's forms", () => {
    const text = "My trip.\n\n0:00 Intro\n00:45 - The harbour\n• 2:10 | Lunch: fish\n1:02:03 – Back home\nThanks for watching!";
    expect(chaptersFromDescription(text, 4000)).toEqual([
      { start: 0, title: "Intro" },
      { start: 45, title: "The harbour" },
      { start: 130, title: "Lunch: fish" },
      { start: 3723, title: "Back home" },
    ]);
  });

  it("gives nothing for lists out of order, too short, not starting at 0:00, or with too few lines", () => {
    expect(chaptersFromDescription("0:00 A\n2:00 B\n1:00 C")).toEqual([]);
    expect(chaptersFromDescription("0:00 A\n0:05 B\n1:00 C")).toEqual([]);
    expect(chaptersFromDescription("0:00 A\n1:00 B\n1:50 C", 115)).toEqual([]);
    expect(chaptersFromDescription("0:10 A\n1:00 B\n2:00 C")).toEqual([]);
    expect(chaptersFromDescription("0:00 A\n1:00 B")).toEqual([]);
    expect(chaptersFromDescription("0:00 A\n1:75 B\n3:00 C")).toEqual([]);
  });

  it("ignores timestamps that are not at the start of a line", () => {
    expect(chaptersFromDescription("The goal at 1:23 was great.\nSee 2:00 and 3:00 and 4:00 too.")).toEqual([]);
    expect(chaptersFromDescription("Recorded at 12:30\n0:00 A\n1:00 B\n2:00 C").map((c) => c.start)).toEqual([0, 60, 120]);
  });
});

describe("chapters from the source", () => {
  it("reads ffprobe's chapters in time order and names untitled ones", () => {
    expect(
      chaptersFromProbe({
        chapters: [
          { start_time: "30.000000", tags: { title: "Two" } },
          { start_time: "0.000000", tags: { title: "One" } },
          { start_time: "60.5" },
        ],
      }),
    ).toEqual([
      { start: 0, title: "One" },
      { start: 30, title: "Two" },
      { start: 60.5, title: "Chapter 3" },
    ]);
    expect(chaptersFromProbe({ chapters: [{ start_time: "0" }] })).toEqual([]);
    expect(chaptersFromProbe(null)).toEqual([]);
  });

  it("prefers the description's list to the source's", () => {
    const probe = { raw: { chapters: [{ start_time: "0", tags: { title: "S1" } }, { start_time: "20", tags: { title: "S2" } }] } };
    expect(chaptersOf({ description: "", duration: 60, probe }).map((c) => c.title)).toEqual(["S1", "S2"]);
    expect(chaptersOf({ description: "0:00 A\n0:15 B\n0:30 C", duration: 60, probe }).map((c) => c.title)).toEqual(["A", "B", "C"]);
  });
});

it("writes a WebVTT chapters track", () => {
  expect(chaptersVtt([{ start: 0, title: "A --> B" }, { start: 65.5, title: "C" }], 3700)).toBe(
    "WEBVTT\n\n1\n00:00:00.000 --> 00:01:05.500\nA → B\n\n2\n00:01:05.500 --> 01:01:40.000\nC\n",
  );
});

describe("chapters read back from a WebVTT track (a download's stored copy)", () => {
  it("gives back what chaptersVtt wrote, hours and fractions included", () => {
    const chapters = [
      { start: 0, title: "Intro" },
      { start: 65.5, title: "Part → two" },
      { start: 3725.25, title: "Outro" },
    ];
    expect(chaptersFromVtt(chaptersVtt(chapters, 4000))).toEqual(chapters);
  });

  it("skips the header, notes and cues without a valid time or a title; CRLF is fine", () => {
    const text = "WEBVTT\r\n\r\nNOTE made by hand\r\n\r\n1\r\n00:10.000 --> 00:20.000\r\nLater\r\n\r\nx\r\n00:99.000 --> 01:00.000\r\nBad time\r\n\r\n00:00:05.000 --> 00:00:10.000\r\n\r\n00:00.000 --> 00:10.000\r\nFirst";
    expect(chaptersFromVtt(text)).toEqual([
      { start: 0, title: "First" },
      { start: 10, title: "Later" },
    ]);
  });
});
