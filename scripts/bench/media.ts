/**
 * npm run bench:media [-- --duration 10 --connections 50 --autocannon]
 *
 * Reel's media byte path against references measured in the same run, all on 127.0.0.1:
 * - 1 MiB random ranges of a 200 MB file: Reel's Node adapter (valid tokens) vs nginx sendfile vs
 *   a plain Node http + fs.createReadStream server; also Reel with REEL_ACCEL=nginx.
 *   Goal: Reel ≥ 0.8× nginx.
 * - small requests (an HLS playlist, 1-byte ranges): Reel vs plain Node. Goal: ≥ 0.5× plain Node.
 * - media in a bucket (an S3 API server, moto_server, on loopback): 1 MiB ranges of a 32 MB object
 *   through presigned URLs vs plain unsigned GETs of the same object (the cost of presigning on the
 *   store's side; goal ≤ 5 % fewer req/s), and Reel's CPU per playlist request when it signs every
 *   segment URI of the playlist (REEL_STORAGE=s3) vs reading it from disk. `--no-s3` leaves this out.
 * Each server runs in its own process (nginx with one worker), the load generator (wrk, or
 * autocannon when wrk is missing) in another; everything stops and the temp folder is removed at
 * the end, on error, or after a hard time limit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { checkRange, childServing, loadOptions, measure, stopOnOverrun, printHeader, printRow, processTreeCpu, serveForParent, wrkVersion, type Load, type Result, type Target } from "./http-load";

const MIB = 1024 * 1024;
const FILE_SIZE = 200 * MIB;
const RANGE = MIB;

type Kind = "reel" | "reel-accel" | "reel-s3" | "plain";
const S3_OBJECT_SIZE = 32 * MIB;

if (process.argv[2] === "--serve") {
  await serve(process.argv[3] as Kind, Number(process.argv[4]), process.argv[5]);
} else {
  await main();
}

/** Child process: one server on 127.0.0.1:port. */
async function serve(kind: Kind, port: number, media: string): Promise<void> {
  let handler: http.RequestListener;
  if (kind === "plain") {
    handler = plainHandler(media);
  } else {
    // REEL_DATA_DIR, REEL_MEDIA_KEYS, REEL_ACCEL and REEL_ACCEL_SECRET come from the parent through the environment.
    const { serveMedia } = await import("@/lib/media/node-adapter");
    handler = serveMedia;
  }
  serveForParent(handler, port);
}

/** The reference: what a competent hand-written Node file server does, minus any checks. */
function plainHandler(media: string): http.RequestListener {
  return (req, res) => {
    const file = path.join(media, decodeURIComponent((req.url ?? "/").slice("/files/".length)));
    fs.stat(file, (err, stat) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      const start = m ? Number(m[1]) : 0;
      const end = m && m[2] ? Math.min(Number(m[2]), stat.size - 1) : stat.size - 1;
      res.writeHead(m ? 206 : 200, {
        "content-type": file.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp4",
        "content-length": end - start + 1,
        ...(m ? { "content-range": `bytes ${start}-${end}/${stat.size}` } : {}),
      });
      fs.createReadStream(file, { start, end }).pipe(res);
    });
  };
}

async function main(): Promise<void> {
  const { duration, connections, wrk } = loadOptions();

  const { parseKeyring } = await import("@/lib/media/signing");
  const { mediaUrl } = await import("@/lib/media/urls");
  const { findNginx, freePort, renderReelConf, startNginx } = await import("@/lib/media/test-support");

  const nginxBin = findNginx();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "reel-bench-media-"));
  await fsp.chmod(dir, 0o755);
  const children: ChildProcess[] = [];
  let nginx: { stop(): Promise<void> } | undefined;
  let s3: { stop(): Promise<void> } | undefined;
  const cleanup = async () => {
    for (const child of children) child.kill("SIGTERM");
    await nginx?.stop();
    await s3?.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  };
  const hardStop = stopOnOverrun("bench:media", duration * 16 + 180, cleanup);

  try {
    const media = path.join(dir, "media");
    const videoId = randomUUID();
    const video = path.join(media, videoId);
    await fsp.mkdir(path.join(video, "mp4"), { recursive: true });
    await fsp.mkdir(path.join(video, "hls/v0"), { recursive: true });
    process.stdout.write(`Writing a ${FILE_SIZE / MIB} MB random file… `);
    const out = fs.createWriteStream(path.join(video, "mp4/video.mp4"));
    for (let written = 0; written < FILE_SIZE; written += 8 * MIB) {
      if (!out.write(randomBytes(8 * MIB))) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    // A 10-minute rung: 300 two-second segments, the size of a real variant playlist.
    const playlist =
      "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI=\"init.mp4\"\n" +
      Array.from({ length: 300 }, (_, i) => `#EXTINF:2.000000,\nseg_${String(i).padStart(5, "0")}.m4s\n`).join("") +
      "#EXT-X-ENDLIST\n";
    await fsp.writeFile(path.join(video, "hls/v0/index.m3u8"), playlist);
    // Read once so every server starts from the page cache.
    for await (const chunk of fs.createReadStream(path.join(video, "mp4/video.mp4"), { highWaterMark: 8 * MIB })) void chunk;
    console.log("done");

    const keys = `b1:${randomBytes(32).toString("hex")}`;
    const accelSecret = randomBytes(32).toString("hex");
    const keyring = parseKeyring(keys);
    const ports = { reel: await freePort(3300, 3349), accelReel: 0, plain: 0, nginxStatic: 0, nginxAccel: 0, reelS3: 0 };
    ports.plain = await freePort(ports.reel + 1, 3349);
    ports.accelReel = await freePort(ports.plain + 1, 3349);
    ports.nginxStatic = await freePort(ports.accelReel + 1, 3349);
    ports.nginxAccel = await freePort(ports.nginxStatic + 1, 3349);

    const withS3 = !process.argv.includes("--no-s3");
    const s3Server = withS3 ? await (await import("@/test/s3-server")).startS3Server({ bucket: "reel-bench" }) : null;
    s3 = s3Server ?? undefined;
    const s3Env = s3Server ? { REEL_STORAGE: "s3", ...(await import("@/test/s3-server")).s3TestEnv(s3Server, "bench/") } : {};

    const start = async (kind: Kind, port: number) => {
      const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--serve", kind, String(port), media], {
        env: {
          ...process.env,
          ...(kind === "reel-s3" ? s3Env : { REEL_STORAGE: "local" }),
          NODE_ENV: "production",
          LOG_LEVEL: "silent",
          REEL_DATA_DIR: dir,
          REEL_MEDIA_KEYS: keys,
          REEL_ACCEL: kind === "reel-accel" ? "nginx" : "none",
          REEL_ACCEL_SECRET: accelSecret,
        },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      children.push(child);
      return childServing(child, `${kind} server`);
    };
    const reelCpu = await start("reel", ports.reel);
    const plainCpu = await start("plain", ports.plain);
    let nginxCpu = async () => NaN;
    let accelCpu = async () => NaN;

    if (nginxBin) {
      const accelReelCpu = await start("reel-accel", ports.accelReel);
      const staticServer = `server {
    listen 127.0.0.1:${ports.nginxStatic};
    location /files/ { alias ${media}/; sendfile on; tcp_nopush on; sendfile_max_chunk 2m; }
}`;
      const started = await startNginx(nginxBin, dir, ports.nginxStatic, `${staticServer}\n${await renderReelConf(ports.accelReel, media, ports.nginxAccel, accelSecret)}`);
      nginx = started;
      nginxCpu = async () => processTreeCpu(started.pid);
      accelCpu = async () => (await processTreeCpu(started.pid)) + (await accelReelCpu());
    }

    const signed = (rel: string) => mediaUrl(videoId, rel, { ttlSeconds: 3600, keyring });
    const mp4 = `${videoId}/mp4/video.mp4`;
    const m3u8 = `${videoId}/hls/v0/index.m3u8`;
    const browser = { "accept-encoding": "gzip, deflate, br" };

    const rangeTargets: Target[] = [
      { name: "Reel (Node adapter)", port: ports.reel, path: signed("mp4/video.mp4"), cpu: reelCpu },
      { name: "plain Node http + createReadStream", port: ports.plain, path: `/files/${mp4}`, cpu: plainCpu },
    ];
    if (nginx) {
      rangeTargets.unshift({ name: "nginx sendfile", port: ports.nginxStatic, path: `/files/${mp4}`, cpu: nginxCpu });
      rangeTargets.push({ name: "Reel → nginx (REEL_ACCEL=nginx)", port: ports.nginxAccel, path: signed("mp4/video.mp4"), cpu: accelCpu });
    }
    const fileBytes = await fsp.readFile(path.join(video, "mp4/video.mp4"));
    for (const t of rangeTargets) await checkRange(t, fileBytes, RANGE);

    // The bucket: the first 32 MB of the file as the MP4, the same playlist; a Reel server that reads them from there.
    const s3Targets: Target[] = [];
    let reelS3Target: Target | undefined;
    if (s3Server) {
      process.stdout.write("Putting the media in the bucket… ");
      const { createS3Storage } = await import("@/lib/storage/s3");
      const bucket = createS3Storage({ ...(await import("@/lib/env")).env, ...(await import("@/lib/env")).parseEnv(s3Env) });
      const staged = path.join(dir, "staged");
      await fsp.mkdir(path.join(staged, "mp4"), { recursive: true });
      await fsp.mkdir(path.join(staged, "hls/v0"), { recursive: true });
      await fsp.writeFile(path.join(staged, "mp4/video.mp4"), fileBytes.subarray(0, S3_OBJECT_SIZE));
      await fsp.writeFile(path.join(staged, "hls/v0/index.m3u8"), playlist);
      await bucket.publish(videoId, "mp4", path.join(staged, "mp4"));
      await bucket.publish(videoId, "hls", path.join(staged, "hls"));
      const presigned = new URL(await bucket.presign(videoId, "mp4/video.mp4", Math.floor(Date.now() / 1000) + 3600));
      const s3Port = Number(new URL(s3Server.endpoint).port);
      const s3Cpu = async () => processTreeCpu(s3Server.pid);
      s3Targets.push(
        { name: "S3 presigned URL (moto_server)", port: s3Port, path: presigned.pathname + presigned.search, cpu: s3Cpu },
        { name: "S3 plain GET (moto_server)", port: s3Port, path: presigned.pathname, cpu: s3Cpu },
      );
      bucket.client.destroy();
      ports.reelS3 = await freePort(ports.nginxAccel + 1, 3349);
      reelS3Target = { name: "playlist · Reel, S3 storage (signs 301 URIs)", port: ports.reelS3, path: signed("hls/v0/index.m3u8"), headers: browser, cpu: await start("reel-s3", ports.reelS3) };
      for (const t of s3Targets) await checkRange(t, fileBytes.subarray(0, S3_OBJECT_SIZE), RANGE);
      console.log("done");
    }

    const loadBefore = os.loadavg()[0];
    const gen = wrk ? `wrk ${wrkVersion(wrk)} (1 thread)` : "autocannon (in process)";
    console.log(`\nLoad generator: ${gen}; ${connections} connections, ${duration} s per run, after a 2 s warm-up.`);

    const ranges: Record<string, Result> = {};
    console.log(`\n1 MiB random ranges of a ${FILE_SIZE / MIB} MB file`);
    printHeader();
    for (const t of rangeTargets) {
      ranges[t.name] = await measure(wrk, t, { kind: "ranges", size: FILE_SIZE, length: RANGE }, duration, connections, dir);
      printRow(t.name, ranges[t.name]);
    }

    const small: Record<string, Result> = {};
    const smallTargets: Array<[string, Target, Load]> = [
      ["playlist · Reel", { name: "", port: ports.reel, path: signed("hls/v0/index.m3u8"), headers: browser, cpu: reelCpu }, { kind: "fixed" }],
      ["playlist · plain Node", { name: "", port: ports.plain, path: `/files/${m3u8}`, headers: browser, cpu: plainCpu }, { kind: "fixed" }],
      ["1-byte ranges · Reel", { name: "", port: ports.reel, path: signed("mp4/video.mp4"), cpu: reelCpu }, { kind: "ranges", size: FILE_SIZE, length: 1 }],
      ["1-byte ranges · plain Node", { name: "", port: ports.plain, path: `/files/${mp4}`, cpu: plainCpu }, { kind: "ranges", size: FILE_SIZE, length: 1 }],
    ];
    console.log("\nSmall requests");
    printHeader();
    for (const [name, target, load] of smallTargets) {
      small[name] = await measure(wrk, { ...target, name }, load, duration, connections, dir);
      printRow(name, small[name]);
    }

    if (reelS3Target) {
      small[reelS3Target.name] = await measure(wrk, reelS3Target, { kind: "fixed" }, duration, connections, dir);
      printRow(reelS3Target.name, small[reelS3Target.name]);
    }
    const s3Ranges: Record<string, Result> = {};
    if (s3Targets.length) {
      console.log(`\nMedia in a bucket: 1 MiB random ranges of a ${S3_OBJECT_SIZE / MIB} MB object`);
      printHeader();
      for (const t of s3Targets) {
        s3Ranges[t.name] = await measure(wrk, t, { kind: "ranges", size: S3_OBJECT_SIZE, length: RANGE }, duration, connections, dir);
        printRow(t.name, s3Ranges[t.name]);
      }
    }

    // A run in which no request completed (an overloaded machine, a too slow load generator) has no ratio.
    const ratio = (a: Result | undefined, b: Result | undefined) => (a?.requests && b?.requests ? a.rps / b.rps : NaN);
    const verdict = (value: number, goal: number) => (Number.isNaN(value) ? "n/a" : `${value.toFixed(2)}x  (goal ≥ ${goal}x: ${value >= goal ? "met" : "NOT met"})`);
    console.log("\nRatios (req/s)");
    console.log(`  Reel / nginx sendfile, 1 MiB ranges      ${nginx ? verdict(ratio(ranges["Reel (Node adapter)"], ranges["nginx sendfile"]), 0.8) : "n/a (no nginx)"}`);
    const plainRatio = (value: number) => (Number.isNaN(value) ? "n/a" : `${value.toFixed(2)}x`);
    console.log(`  Reel / plain Node, 1 MiB ranges          ${plainRatio(ratio(ranges["Reel (Node adapter)"], ranges["plain Node http + createReadStream"]))}`);
    if (nginx) console.log(`  Reel→nginx / nginx sendfile, 1 MiB       ${plainRatio(ratio(ranges["Reel → nginx (REEL_ACCEL=nginx)"], ranges["nginx sendfile"]))}`);
    console.log(`  Reel / plain Node, playlist              ${verdict(ratio(small["playlist · Reel"], small["playlist · plain Node"]), 0.5)}`);
    console.log(`  Reel / plain Node, 1-byte ranges         ${verdict(ratio(small["1-byte ranges · Reel"], small["1-byte ranges · plain Node"]), 0.5)}`);
    // Server CPU per request does not depend on what else the machine is running; req/s does.
    const efficiency = (reference: Result | undefined, reel: Result | undefined) =>
      reference?.requests && reel?.requests ? `${(reference.cpuPerRequest / reel.cpuPerRequest).toFixed(2)}x` : "n/a";
    console.log("\nEfficiency (reference server CPU per request ÷ Reel's; 1 = as cheap as the reference)");
    if (nginx) console.log(`  vs nginx sendfile, 1 MiB ranges          ${efficiency(ranges["nginx sendfile"], ranges["Reel (Node adapter)"])}`);
    console.log(`  vs plain Node, 1 MiB ranges              ${efficiency(ranges["plain Node http + createReadStream"], ranges["Reel (Node adapter)"])}`);
    console.log(`  vs plain Node, playlist                  ${efficiency(small["playlist · plain Node"], small["playlist · Reel"])}`);
    console.log(`  vs plain Node, 1-byte ranges             ${efficiency(small["1-byte ranges · plain Node"], small["1-byte ranges · Reel"])}`);
    if (reelS3Target) {
      const presignedShare = ratio(s3Ranges["S3 presigned URL (moto_server)"], s3Ranges["S3 plain GET (moto_server)"]);
      console.log("\nMedia in a bucket");
      console.log(`  presigned / plain GET, 1 MiB ranges      ${Number.isNaN(presignedShare) ? "n/a" : `${presignedShare.toFixed(2)}x  (goal ≥ 0.95x: ${presignedShare >= 0.95 ? "met" : "NOT met"})`}`);
      const s3Playlist = small[reelS3Target.name];
      console.log(`  Reel CPU per playlist request, S3        ${s3Playlist?.requests ? `${(s3Playlist.cpuPerRequest / 1000).toFixed(3)} ms` : "n/a"}`);
      console.log(`  Reel CPU per playlist request, disk      ${small["playlist · Reel"]?.requests ? `${(small["playlist · Reel"].cpuPerRequest / 1000).toFixed(3)} ms` : "n/a"}`);
    }
    console.log(`\nLoad average (1 min) before → after: ${loadBefore.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} CPUs`);

    await fsp.mkdir("bench-results", { recursive: true });
    await fsp.writeFile(
      "bench-results/media.json",
      JSON.stringify({ at: new Date().toISOString(), generator: gen, duration, connections, ranges, small, s3Ranges }, null, 2),
    );
  } finally {
    clearTimeout(hardStop);
    await cleanup();
  }
}

