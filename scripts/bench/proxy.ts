/**
 * [BENCH_PORT=3500] npm run bench:proxy [-- --duration 10 --connections 50 --autocannon]
 *
 * Play a link's proxy (lib/proxy/) against nginx `proxy_pass`, measured in the same run on 127.0.0.1: both fetch
 * 1 MiB random ranges of a 200 MB file from the same upstream (nginx serving it with sendfile). Goal: Reel ≥ 0.8×
 * nginx proxy_pass in requests/s. Also the time to first byte Reel adds over fetching the upstream directly (p50,
 * goal ≤ 2 ms) and the server CPU per request. A last row puts deploy/nginx/reel.conf in front of Reel with
 * REEL_ACCEL=nginx: Reel checks each request, nginx fetches the range (lib/proxy/accel.ts). Each server runs in its
 * own process (nginx with one worker); all stop and the temp folder is removed at the end, on error, or after a hard
 * time limit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { checkRange, childServing, loadOptions, measure, stopOnOverrun, printHeader, printRow, processTreeCpu, serveForParent, wrkVersion, type Result, type Target } from "./http-load";

const MIB = 1024 * 1024;
const FILE_SIZE = 200 * MIB;
const RANGE = MIB;

if (process.argv[2] === "--serve") {
  await serve(Number(process.argv[3]), process.argv[4] === "accel");
} else {
  await main();
}

/** Child process: Reel's proxy handler on 127.0.0.1:port, as the Node server registers it; `accel`: REEL_ACCEL=nginx. */
async function serve(port: number, accel: boolean): Promise<void> {
  const { createProxyHandler } = await import("@/lib/proxy/node-adapter");
  const { DEFAULT_FETCH_POLICY } = await import("@/lib/net/policy");
  const { SOCKET_HIGH_WATER_MARK } = await import("@/lib/server/http-server");
  // The admin's settings come from the database in Reel; the bench runs without one: the default fetch policy, and no
  // daily limit (with one, the check is two lookups in memory; the database is read per person every few seconds).
  serveForParent(createProxyHandler({ policy: DEFAULT_FETCH_POLICY, dailyBytes: 0, accel }), port, { highWaterMark: SOCKET_HIGH_WATER_MARK });
}

async function main(): Promise<void> {
  const { duration, connections, wrk } = loadOptions();

  const { parseKeyring } = await import("@/lib/media/signing");
  const { proxyBase, proxyUri } = await import("@/lib/proxy/paths");
  const { findNginx, freePort, renderReelConf, startNginx } = await import("@/lib/media/test-support");

  const nginxBin = findNginx();
  if (!nginxBin) throw new Error("bench:proxy needs nginx (apt-get install nginx-light): it is both the upstream and the reference");
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "reel-bench-proxy-"));
  await fsp.chmod(dir, 0o755);
  const children: ChildProcess[] = [];
  const nginxes: { stop(): Promise<void> }[] = [];
  const cleanup = async () => {
    for (const child of children) child.kill("SIGTERM");
    for (const n of nginxes) await n.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  };
  const hardStop = stopOnOverrun("bench:proxy", duration * 8 + 120, cleanup);

  try {
    const www = path.join(dir, "www");
    await fsp.mkdir(www);
    process.stdout.write(`Writing a ${FILE_SIZE / MIB} MB random file… `);
    const out = fs.createWriteStream(path.join(www, "film.mp4"));
    for (let written = 0; written < FILE_SIZE; written += 8 * MIB) {
      if (!out.write(randomBytes(8 * MIB))) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    for await (const chunk of fs.createReadStream(path.join(www, "film.mp4"), { highWaterMark: 8 * MIB })) void chunk;
    console.log("done");

    // BENCH_PORT: the first of 50 ports to try (benches running side by side each get their own range).
    const first = Number(process.env.BENCH_PORT ?? 3500);
    const last = first + 49;
    const ports = { upstream: await freePort(first, last), nginxProxy: 0, reel: 0, reelAccel: 0, front: 0 };
    ports.nginxProxy = await freePort(ports.upstream + 1, last);
    ports.reel = await freePort(ports.nginxProxy + 1, last);
    ports.reelAccel = await freePort(ports.reel + 1, last);
    ports.front = await freePort(ports.reelAccel + 1, last);

    const upDir = path.join(dir, "upstream");
    const pxDir = path.join(dir, "proxy");
    const frontDir = path.join(dir, "front");
    await fsp.mkdir(upDir);
    await fsp.mkdir(pxDir);
    await fsp.mkdir(frontDir);
    const upstream = await startNginx(
      nginxBin,
      upDir,
      ports.upstream,
      `server {
    listen 127.0.0.1:${ports.upstream};
    location / { root ${www}; sendfile on; tcp_nopush on; sendfile_max_chunk 2m; types { video/mp4 mp4; } }
}`,
    );
    nginxes.push(upstream);
    // The reference: nginx as a reverse proxy done right (upstream keep-alive, HTTP/1.1).
    const nginxProxy = await startNginx(
      nginxBin,
      pxDir,
      ports.nginxProxy,
      `upstream origin { server 127.0.0.1:${ports.upstream}; keepalive 64; }
server {
    listen 127.0.0.1:${ports.nginxProxy};
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
}`,
    );
    nginxes.push(nginxProxy);

    const keys = `b1:${randomBytes(32).toString("hex")}`;
    const accelSecret = randomBytes(32).toString("hex");
    const startReel = async (port: number, accel: boolean) => {
      const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--serve", String(port), ...(accel ? ["accel"] : [])], {
        env: {
          ...process.env,
          NODE_ENV: "production",
          LOG_LEVEL: "silent",
          REEL_DATA_DIR: dir,
          REEL_MEDIA_KEYS: keys,
          REEL_ACCEL_SECRET: accelSecret,
          // The upstream is on loopback, and one bench user opens every connection.
          REEL_UNSAFE_ALLOW_LOOPBACK_FETCH: "1",
          REEL_PROXY_MAX_STREAMS: "1000",
          REEL_PROXY_REQUESTS_PER_MINUTE: "100000000",
        },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      children.push(child);
      return childServing(child, accel ? "Reel proxy (accel)" : "Reel proxy");
    };
    const reelCpu = await startReel(ports.reel, false);
    const reelAccelCpu = await startReel(ports.reelAccel, true);
    // deploy/nginx/reel.conf as shipped, in front of the REEL_ACCEL=nginx process (no media folder is used).
    const front = await startNginx(nginxBin, frontDir, ports.front, await renderReelConf(ports.reelAccel, www, ports.front, accelSecret));
    nginxes.push(front);

    const keyring = parseKeyring(keys);
    const linkId = randomUUID();
    const reelPath = proxyUri(proxyBase(linkId, 3600, { keyring }).base, { url: `http://127.0.0.1:${ports.upstream}/film.mp4`, userId: randomUUID(), kind: "bytes" }, linkId, keyring);

    const targets: Target[] = [
      { name: "nginx sendfile (upstream, direct)", port: ports.upstream, path: "/film.mp4", cpu: async () => processTreeCpu(upstream.pid) },
      { name: "nginx proxy_pass", port: ports.nginxProxy, path: "/film.mp4", cpu: async () => processTreeCpu(nginxProxy.pid) },
      { name: "Reel proxy (Node fast path)", port: ports.reel, path: reelPath, cpu: reelCpu },
      { name: "Reel→nginx accel", port: ports.front, path: reelPath, cpu: async () => (await processTreeCpu(front.pid)) + (await reelAccelCpu()) },
    ];
    const file = await fsp.readFile(path.join(www, "film.mp4"));
    for (const t of targets) await checkRange(t, file, RANGE);
    // Reel has now seen the upstream answer a range; unless it takes nginx's mark (the secret in reel.conf is its
    // own), the accel row would measure Reel's own path behind nginx.
    const handOff = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: ports.reelAccel, path: reelPath, headers: { range: "bytes=0-0", "x-reel-accel": `front ${accelSecret}` } }, resolve).on("error", reject);
    });
    handOff.resume();
    if (!handOff.headers["x-accel-redirect"]) throw new Error("Reel did not hand the link to nginx: the accel row would measure Reel's own path");

    const ttfbDirect = await firstByteTimes(targets[0]);
    const ttfbReel = await firstByteTimes(targets[2]);
    const ttfbNginx = await firstByteTimes(targets[1]);
    const ttfbAccel = await firstByteTimes(targets[3]);

    const loadBefore = os.loadavg()[0];
    const gen = wrk ? `wrk ${wrkVersion(wrk)} (1 thread)` : "autocannon (in process)";
    console.log(`\nLoad generator: ${gen}; ${connections} connections, ${duration} s per run, after a 2 s warm-up.`);
    console.log(`\n1 MiB random ranges of a ${FILE_SIZE / MIB} MB file (server CPU: the named process only, not its upstream)`);
    printHeader();
    const results: Record<string, Result> = {};
    for (const t of targets) {
      results[t.name] = await measure(wrk, t, { kind: "ranges", size: FILE_SIZE, length: RANGE }, duration, connections, dir);
      printRow(t.name, results[t.name]);
    }

    const reel = results["Reel proxy (Node fast path)"];
    const accel = results["Reel→nginx accel"];
    const reference = results["nginx proxy_pass"];
    const ratioTo = (r: Result) => (r.requests && reference.requests ? r.rps / reference.rps : NaN);
    const ratio = ratioTo(reel);
    const accelRatio = ratioTo(accel);
    const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const added = p50(ttfbReel) - p50(ttfbDirect);
    console.log("\nTime to first byte, 1-byte ranges one at a time (p50 of 200)");
    console.log(`  upstream direct ${p50(ttfbDirect).toFixed(2)} ms · via nginx proxy_pass ${p50(ttfbNginx).toFixed(2)} ms · via Reel ${p50(ttfbReel).toFixed(2)} ms · via Reel→nginx accel ${p50(ttfbAccel).toFixed(2)} ms`);
    console.log("\nResults");
    console.log(`  Reel / nginx proxy_pass, req/s           ${Number.isNaN(ratio) ? "n/a" : `${ratio.toFixed(2)}x  (goal ≥ 0.8x: ${ratio >= 0.8 ? "met" : "NOT met"})`}`);
    console.log(`  Reel→nginx accel / nginx proxy_pass      ${Number.isNaN(accelRatio) ? "n/a" : `${accelRatio.toFixed(2)}x  (goal ≥ 0.8x: ${accelRatio >= 0.8 ? "met" : "NOT met"})`}`);
    console.log(`  added time to first byte (p50)           ${added.toFixed(2)} ms  (goal ≤ 2 ms: ${added <= 2 ? "met" : "NOT met"}) · accel ${(p50(ttfbAccel) - p50(ttfbDirect)).toFixed(2)} ms`);
    console.log(
      `  server CPU per request                   Reel ${reel.cpuPerRequest.toFixed(0)} µs · Reel→nginx accel ${accel.cpuPerRequest.toFixed(0)} µs (both) · nginx proxy_pass ${reference.cpuPerRequest.toFixed(0)} µs`,
    );
    console.log(`\nLoad average (1 min) before → after: ${loadBefore.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} CPUs`);

    await fsp.mkdir("bench-results", { recursive: true });
    await fsp.writeFile(
      "bench-results/proxy.json",
      JSON.stringify({ at: new Date().toISOString(), generator: gen, duration, connections, results, ttfbMs: { direct: p50(ttfbDirect), nginxProxy: p50(ttfbNginx), reel: p50(ttfbReel), reelAccel: p50(ttfbAccel) } }, null, 2),
    );
  } finally {
    clearTimeout(hardStop);
    await cleanup();
  }
}

/** Milliseconds from sending a request to its response headers, one request at a time on a kept-alive connection. */
async function firstByteTimes(target: Target, count = 200): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < count + 20; i++) {
    const at = Math.floor(Math.random() * (FILE_SIZE - 1));
    const began = performance.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: target.port, path: target.path, agent, headers: { range: `bytes=${at}-${at}` } }, (res) => {
          // The first 20 warm up connections and caches.
          if (i >= 20) times.push(performance.now() - began);
          res.resume();
          res.on("end", () => resolve());
        })
        .on("error", reject);
    });
  }
  agent.destroy();
  return times;
}
