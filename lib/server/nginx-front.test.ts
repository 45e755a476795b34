import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { findNginx, freePort as freeNginxPort, renderReelConf, startNginx, type NginxProcess } from "@/lib/media/test-support";
import { mediaUrl } from "@/lib/media/urls";
import { stopProducerBoss } from "@/lib/queue/boss";
import { freePort } from "@/scripts/lib/ports";
import { createTokenUser } from "@/test/serve-routes";
import { startWebProcess, type WebProcess } from "@/test/web-process";

/**
 * The shipped deploy/nginx/reel.conf in front of Reel's web process (the Node server with its fast paths and
 * the real upload and health route handlers), as README's "nginx in front" runs it with REEL_ACCEL=nginx:
 * an API answer, a ranged media request sent by nginx from the data folder, and a tus upload whose PATCH
 * streams through to Reel. Debian's nginx must be installed: without it this fails, it does not skip.
 */

const nginx = findNginx();
let dir: string;
let web: WebProcess;
let proxy: NginxProcess;
const video = randomUUID();
const mp4 = randomBytes(300_000);

beforeAll(async () => {
  if (!nginx) throw new Error("nginx is not installed (apt-get install nginx-light): the deployment config cannot be tested");
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-nginx-front-"));
  await fs.chmod(dir, 0o755); // nginx workers run as an unprivileged user and read the media folder
  const data = path.join(dir, "data");
  await fs.mkdir(path.join(data, "media", video, "mp4"), { recursive: true });
  await fs.writeFile(path.join(data, "media", video, "mp4", "video.mp4"), mp4);
  const port = await freePort(env.PORT + 60);
  const accelSecret = randomBytes(32).toString("hex");
  web = await startWebProcess(port, { REEL_DATA_DIR: data, REEL_ACCEL: "nginx", REEL_ACCEL_SECRET: accelSecret, REEL_TRUST_PROXY: "1" });
  const listen = await freeNginxPort(3350, 3399);
  proxy = await startNginx(nginx, dir, listen, await renderReelConf(port, path.join(data, "media"), listen, accelSecret));
});

afterAll(async () => {
  await proxy?.stop();
  if (web?.child.exitCode === null) {
    web.child.kill("SIGTERM");
    await web.exited;
  }
  await stopProducerBoss();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const through = (rawPath: string, init?: RequestInit) => fetch(`http://127.0.0.1:${proxy.port}${rawPath}`, init);

describe("deploy/nginx/reel.conf in front of Reel", () => {
  it("passes API requests on to Reel", async () => {
    const r = await through("/api/health");
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ db: "ok" });
  });

  it("sends a ranged media request itself after Reel has checked the token", async () => {
    const url = mediaUrl(video, "mp4/video.mp4", { ttlSeconds: 600 });
    const r = await through(url, { headers: { range: "bytes=1000-1999" } });
    expect(r.status).toBe(206);
    expect(r.headers.get("content-range")).toBe(`bytes 1000-1999/${mp4.length}`);
    expect(Buffer.from(await r.arrayBuffer()).equals(mp4.subarray(1000, 2000))).toBe(true);
    expect((await through(url.replace(/\/media\/[^/]+\//, "/media/x.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/"))).status).toBe(403);
    expect((await through(`/_reel_media/${video}/mp4/video.mp4`)).status).toBe(404); // internal only
  });

  it("streams a tus upload's PATCH through to Reel", async () => {
    const { authorization } = await createTokenUser({ role: "member", canUpload: true });
    const tus = { authorization, "tus-resumable": "1.0.0" };
    const bytes = randomBytes(2 * 1024 * 1024);
    const created = await through("/api/uploads", {
      method: "POST",
      headers: { ...tus, "upload-length": String(bytes.length), "upload-metadata": `filename ${Buffer.from("through-nginx.mp4").toString("base64")}` },
    });
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get("location")!, "http://x").pathname;
    const half = bytes.length / 2;
    for (const [offset, part] of [[0, bytes.subarray(0, half)], [half, bytes.subarray(half)]] as const) {
      const patched = await through(location, {
        method: "PATCH",
        headers: { ...tus, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
        body: part,
      });
      expect(patched.status).toBe(204);
      expect(patched.headers.get("upload-offset")).toBe(String(offset + part.length));
    }
    const head = await through(location, { method: "HEAD", headers: tus });
    expect(head.headers.get("upload-offset")).toBe(String(bytes.length));
  });
});
