import { describe, expect, it } from "vitest";
import { tapZone } from "./double-tap";

describe("double-tap zones", () => {
  it("splits the picture in thirds", () => {
    expect(tapZone(10, 390)).toBe("back");
    expect(tapZone(129, 390)).toBe("back");
    expect(tapZone(195, 390)).toBe("middle");
    expect(tapZone(261, 390)).toBe("forward");
    expect(tapZone(389, 390)).toBe("forward");
    expect(tapZone(5, 0)).toBe("middle");
  });
});
