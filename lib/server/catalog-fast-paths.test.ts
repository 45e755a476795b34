import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens";
import { closeDb } from "@/lib/db/client";
import { logger } from "@/lib/log";
import { createVideo, createViewer } from "@/test/library-data";
import { catalogFastPath } from "./catalog-fast-paths";
import { closeGracefully, createWebServer } from "./http-server";

/** GET /api/videos through Reel's own HTTP server, on loopback, before any Next handler. */

const tag = `fp${randomBytes(4).toString("hex")}`;
let base: string;
let token: string;
let server: ReturnType<typeof createWebServer>;
let videoId: string;

beforeAll(async () => {
  const viewer = await createViewer();
  token = (await createApiToken(viewer.id, "fast path")).token;
  videoId = await createVideo(viewer, { title: "Glacier flyover", tags: [tag] });
  server = createWebServer({
    fastPaths: [catalogFastPath],
    fallback: (req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end(`next ${req.url}`),
    log: logger,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closeGracefully(server, 1000);
  await closeDb();
});

const get = (path: string, init: RequestInit = {}) =>
  fetch(base + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

describe("catalog fast path", () => {
  it("answers the list with the route's JSON, authenticated by token", async () => {
    const res = await get(`/api/videos?tags=${tag}&q=glac`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const body = await res.json();
    expect(body.items.map((v: { id: string }) => v.id)).toEqual([videoId]);
    expect(body.items[0].highlight.title[0]).toEqual({ text: "Glacier", match: true });
  });

  it("validates like the route and refuses other methods and anonymous callers", async () => {
    const bad = await get("/api/videos?sort=nope");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.fields[0].field).toBe("sort");
    expect((await get("/api/videos", { method: "POST" })).status).toBe(405);
    expect((await fetch(`${base}/api/videos`, { headers: { authorization: "Bearer reel_wrong" } })).status).toBe(401);
  });

  it("leaves the video's own routes to Next", async () => {
    const res = await get(`/api/videos/${videoId}/favorite`);
    expect(await res.text()).toBe(`next /api/videos/${videoId}/favorite`);
  });
});
