import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findNginx, freePort, startNginx, type NginxProcess } from "../lib/media/test-support";
import { apiSignIn, expect, test } from "./fixtures";
import { PlayPage } from "./pages/play-page";
import { WatchPage } from "./pages/watch-page";

/**
 * Play a link against a real upstream: Debian's nginx on loopback serving an MP4 and a two-rung HLS ladder made
 * here with ffmpeg. The instance under test allows loopback fetches (a test-only setting; scripts/test.ts).
 */

// The first test also waits for ffmpeg to make the media (a few seconds, more on a busy machine).
test.describe.configure({ timeout: 60_000 });

let dir: string;
let upstream: NginxProcess;
let origin: string;

test.beforeAll(async () => {
  const nginx = findNginx();
  if (!nginx) throw new Error("These tests need nginx (apt-get install nginx-light)");
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-play-"));
  await fs.chmod(dir, 0o755);
  const www = path.join(dir, "www");
  await fs.mkdir(path.join(www, "hls"), { recursive: true });
  const sources = ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=10", "-f", "lavfi", "-i", "sine=frequency=440:duration=10"];
  const h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "aac"];
  const ffmpeg = (args: string[]) => execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args]);
  ffmpeg([...sources, ...h264, "-movflags", "+faststart", path.join(www, "film.mp4")]);
  ffmpeg([
    ...sources,
    "-filter_complex", "[0:v]split=2[hi][lo0];[lo0]scale=320:180[lo]",
    "-map", "[lo]", "-map", "[hi]", "-map", "1:a", "-map", "1:a",
    ...h264,
    "-b:v:0", "300k", "-b:v:1", "900k",
    "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-master_pl_name", "master.m3u8",
    "-var_stream_map", "v:0,a:0 v:1,a:1",
    "-hls_segment_filename", path.join(www, "hls", "v%v", "seg%d.ts"),
    path.join(www, "hls", "v%v", "index.m3u8"),
  ]);
  const port = await freePort(3450, 3499);
  origin = `http://127.0.0.1:${port}`;
  upstream = await startNginx(
    nginx,
    dir,
    port,
    `  server {
    listen 127.0.0.1:${port};
    root ${www};
    types { video/mp4 mp4; application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  }`,
  );
});

test.afterAll(async () => {
  await upstream?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test("an MP4 link plays and seeks, and stays in the recent list across a reload and another sign-in", async ({ memberPage, member, browser }) => {
  const play = new PlayPage(memberPage);
  await play.goto();
  const linkId = await play.play(`${origin}/film.mp4`);
  await expect(memberPage.getByTestId("play-facts")).toContainText("seeking works");
  const watch = new WatchPage(memberPage);
  await expect(watch.player).toHaveAttribute("data-engine", "mp4");
  await watch.playMuted(0.3);
  await watch.media((v) => (v.currentTime = 6));
  await expect.poll(() => watch.currentTime(), { timeout: 10_000 }).toBeGreaterThan(6.2);
  // The upstream URL is never in the page.
  expect(await memberPage.content()).not.toContain(origin);

  await play.goto();
  await play.expectListed(linkId);
  await memberPage.reload();
  await play.expectListed(linkId);

  const elsewhere = await browser.newContext();
  try {
    const signIn = await apiSignIn(elsewhere.request, member.account.email, member.account.password);
    expect(signIn.status()).toBe(302);
    const other = new PlayPage(await elsewhere.newPage());
    await other.goto();
    await other.expectListed(linkId);
  } finally {
    await elsewhere.close();
  }
});

test("an HLS link plays through hls.js with both rungs, and reports its playback as proxied", async ({ memberPage }) => {
  const play = new PlayPage(memberPage);
  await play.goto();
  // The report after the first frame: it names the link, not a video, and the delivery is the proxy.
  const startReport = memberPage.waitForResponse((r) => r.url().endsWith("/api/qoe") && (r.request().postDataJSON() as { startupMs?: number | null }).startupMs != null);
  await play.play(`${origin}/hls/master.m3u8`);
  const watch = new WatchPage(memberPage);
  await expect(watch.player).toHaveAttribute("data-engine", "hls");
  await watch.playMuted(0.3);
  expect((await watch.qualityOptions()).filter((l) => /^\d+p$/.test(l))).toEqual(["360p", "180p"]);
  const report = await startReport;
  expect(report.status()).toBe(204);
  const linkId = new URL(memberPage.url()).pathname.split("/").pop();
  expect(report.request().postDataJSON()).toMatchObject({ linkId, mode: "proxied" });
  expect(report.request().postDataJSON()).not.toHaveProperty("videoId");
});

test("a page that is not a video is refused with the reason, and another member's link id is not found", async ({ memberPage, uploaderPage }) => {
  const play = new PlayPage(memberPage);
  await play.goto();
  await play.input.fill(`${origin}/hls/v0/index.m3u8.missing`);
  await memberPage.getByRole("button", { name: "Play" }).click();
  await expect(play.error).toContainText("did not answer properly");
  const linkId = await play.play(`${origin}/film.mp4`);

  const response = await uploaderPage.goto(`/play/${linkId}`);
  expect(response?.status()).toBe(404);
  expect((await uploaderPage.request.get(`/api/proxy/links/${linkId}`)).status()).toBe(404);
});
