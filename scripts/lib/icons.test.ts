import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { buildIcons, ICON_DIR, ICON_SOURCE, ICONS } from "./icons";

const root = await fs.mkdtemp(path.join(os.tmpdir(), "reel-icons-"));
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe("app icons", () => {
  it("draws every size from the one source, opaque where launchers need it, and only when the source changed", async () => {
    await fs.mkdir(path.join(root, "app"));
    await fs.copyFile(ICON_SOURCE, path.join(root, ICON_SOURCE));
    expect(await buildIcons(root)).toHaveLength(ICONS.length);
    for (const icon of ICONS) {
      const image = sharp(path.join(root, ICON_DIR, icon.file));
      const meta = await image.metadata();
      expect([icon.file, meta.format, meta.width, meta.height]).toEqual([icon.file, "png", icon.size, icon.size]);
      // A corner pixel: transparent for the plain icons (rounded artwork), the app's background for the others.
      const { data } = await image.extract({ left: 0, top: 0, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
      expect(data[3]).toBe(icon.background ? 255 : 0);
    }
    expect(await buildIcons(root)).toEqual([]);
  });
});
