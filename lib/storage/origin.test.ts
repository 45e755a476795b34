import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { mediaOrigin } from "./origin";
import { createS3Storage } from "./s3";

const base = { ...env, REEL_STORAGE: "s3" as const, REEL_S3_BUCKET: "films", REEL_S3_REGION: "eu-west-3", REEL_MEDIA_BASE_URL: undefined };

describe("the origin browsers fetch media from", () => {
  it("is none when Reel serves media itself, the CDN's when one is set", () => {
    expect(mediaOrigin({ ...base, REEL_STORAGE: "local" })).toBeNull();
    expect(mediaOrigin({ ...base, REEL_MEDIA_BASE_URL: "https://cdn.example.com/reel/" })).toBe("https://cdn.example.com");
  });

  it("is the origin of the URLs the bucket presigns, path-style or virtual-host style, AWS or not", async () => {
    const cases = [
      { REEL_S3_ENDPOINT: "http://127.0.0.1:9000", REEL_S3_FORCE_PATH_STYLE: true },
      { REEL_S3_ENDPOINT: "https://r2.example.com", REEL_S3_FORCE_PATH_STYLE: false },
      { REEL_S3_ENDPOINT: undefined, REEL_S3_FORCE_PATH_STYLE: false },
      { REEL_S3_ENDPOINT: undefined, REEL_S3_FORCE_PATH_STYLE: true },
    ];
    for (const c of cases) {
      const settings = { ...base, ...c, REEL_S3_ACCESS_KEY_ID: "k", REEL_S3_SECRET_ACCESS_KEY: "s" };
      const s3 = createS3Storage(settings);
      const url = await s3.presign(randomUUID(), "mp4/video.mp4", Math.floor(Date.now() / 1000) + 60);
      s3.client.destroy();
      expect(mediaOrigin(settings), JSON.stringify(c)).toBe(new URL(url).origin);
    }
  });
});
