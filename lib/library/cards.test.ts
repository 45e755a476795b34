import { describe, expect, it } from "vitest";
import { cardMaker, toCard } from "./cards";
import type { LibraryVideo } from "./queries/video-rows";

const video = (id: string, over: Partial<LibraryVideo> = {}): LibraryVideo => ({
  id,
  title: `Video ${id}`,
  tags: ["music", "travel"],
  status: "ready",
  visibility: "public",
  ownerId: "owner-1",
  duration: 59.6,
  viewCount: 12,
  rating: { average: 4.5, count: 2 },
  createdAt: "2026-01-01T10:00:00.000Z",
  poster: { src: "/media/x/thumbs/poster-640.webp", srcSet: "/media/x/thumbs/poster-320.webp 320w" },
  me: {
    favorite: true,
    rating: 5,
    canEdit: false,
    progress: { position: 30, duration: 59.6, fraction: 0.5, timeLeft: "30 s left", finished: false, watchedAt: "2026-01-02T10:00:00.000Z" },
  },
  ...over,
});

describe("video cards", () => {
  it("keep what a card renders and drop the rest (tags, owner, dates, raw progress)", () => {
    expect(toCard(video("a"))).toEqual({
      id: "a",
      title: "Video a",
      status: "ready",
      visibility: "public",
      duration: 59.6,
      viewCount: 12,
      rating: { average: 4.5, count: 2 },
      poster: { src: "/media/x/thumbs/poster-640.webp", srcSet: "/media/x/thumbs/poster-320.webp 320w" },
      me: { favorite: true, rating: 5, canEdit: false, progress: { fraction: 0.5, timeLeft: "30 s left", finished: false } },
    });
  });

  it("keep search highlights and no progress as they are", () => {
    const highlight = { title: [{ text: "Video", match: true }], description: null };
    const card = toCard(video("b", { highlight, me: { favorite: false, rating: null, canEdit: true, progress: null } }));
    expect(card.highlight).toEqual(highlight);
    expect(card.me).toEqual({ favorite: false, rating: null, canEdit: true, progress: null });
  });

  it("are one object per video on a page, however many rows list it", () => {
    const card = cardMaker();
    const first = card(video("a"));
    expect(card(video("a"))).toBe(first);
    expect(card(video("b"))).not.toBe(first);
  });
});
