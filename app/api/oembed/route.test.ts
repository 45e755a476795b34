import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { createVideo } from "@/test/library-data";
import { asViewer, createTestUser } from "@/test/factories";
import type { Viewer } from "@/lib/auth/viewer";
import { GET as embed } from "../../embed/[id]/route";
import { GET as oembed } from "./route";

const ORIGIN = "http://127.0.0.1";
let owner: Viewer;
let unlisted: string;
let hidden: string;

beforeAll(async () => {
  owner = asViewer(await createTestUser({ role: "member", password: null }));
  const outputs = { mp4: true, poster: [320, 640] };
  unlisted = await createVideo(owner, { title: `Harbour "at" <dusk>`, visibility: "unlisted", outputs, width: 1280, height: 720 });
  hidden = await createVideo(owner, { title: "Private", visibility: "private", outputs });
});
afterAll(() => closeDb());

const ask = (query: string) => oembed(new Request(`${ORIGIN}/api/oembed?${query}`, { headers: { host: "127.0.0.1" } }), { params: Promise.resolve({}) });
const page = (id: string) => embed(new Request(`${ORIGIN}/embed/${id}`, { headers: { host: "127.0.0.1" } }), { params: Promise.resolve({ id }) });

describe("oEmbed", () => {
  it("describes an unlisted video as an oEmbed video with its iframe", async () => {
    const response = await ask(`url=${encodeURIComponent(`${ORIGIN}/watch/${unlisted}?t=30`)}&maxwidth=480`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ version: "1.0", type: "video", provider_name: "Reel", provider_url: `${ORIGIN}/`, title: `Harbour "at" <dusk>`, width: 480, height: 270 });
    expect(body.html).toMatch(new RegExp(`^<iframe src="${ORIGIN}/embed/${unlisted}" width="480" height="270" title="Harbour &#34;at&#34; &#60;dusk&#62;"`));
    expect(body.thumbnail_url).toMatch(new RegExp(`^${ORIGIN}/media/[^/]+/${unlisted}/thumbs/poster-640\\.webp$`));
  });

  it("refuses private videos, other sites' URLs and malformed queries", async () => {
    expect((await ask(`url=${encodeURIComponent(`${ORIGIN}/watch/${hidden}`)}`)).status).toBe(404);
    expect((await ask(`url=${encodeURIComponent(`https://evil.example/watch/${unlisted}`)}`)).status).toBe(404);
    expect((await ask(`url=a&url=b`)).status).toBe(400);
    expect((await ask(`url=${encodeURIComponent(`${ORIGIN}/watch/${unlisted}`)}&format=xml`)).status).toBe(400);
    expect((await ask("")).status).toBe(400);
  });
});

describe("/embed/<id>", () => {
  it("is the player alone for an unlisted video, and refused for a private one", async () => {
    const response = await page(unlisted);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(new RegExp(`<video controls playsinline preload="metadata" src="/media/[^/"]+/${unlisted}/mp4/video\\.mp4"`));
    expect(html).not.toContain("<script");
    expect(html.length).toBeLessThan(2000);
    expect((await page(hidden)).status).toBe(404);
  });
});
