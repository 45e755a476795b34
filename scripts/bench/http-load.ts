import fs from "node:fs";
import http from "node:http";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fsp from "node:fs/promises";
import path from "node:path";

/**
 * HTTP load runs for the benchmarks (bench:media, bench:proxy): wrk (or autocannon when wrk is missing) against
 * one target, with the serving processes' CPU time per request; and the servers those benchmarks run in child processes.
 */

const MIB = 1024 * 1024;

export type Result = { rps: number; mbps: number; p50: number; p99: number; errors: number; requests: number; cpuPerRequest: number };
export type Target = {
  name: string;
  port: number;
  path: string;
  headers?: Record<string, string>;
  /** CPU time (µs) used so far by the process(es) serving this target. */
  cpu: () => Promise<number>;
};
export type Load = { kind: "ranges"; size: number; length: number } | { kind: "fixed" };

type Run = Omit<Result, "cpuPerRequest">;

export async function measure(wrk: string | null, target: Target, load: Load, duration: number, connections: number, dir: string): Promise<Result> {
  const run = (seconds: number) => (wrk ? runWrk(wrk, target, load, seconds, connections, dir) : runAutocannon(target, load, seconds, connections));
  await run(2);
  const cpuBefore = await target.cpu();
  const result = await run(duration);
  return { ...result, cpuPerRequest: ((await target.cpu()) - cpuBefore) / result.requests };
}

/**
 * In a bench's child process: serves `handler` on 127.0.0.1:`port`, tells the parent "ready" once listening, answers
 * each message with the CPU time (µs) it has used so far, and exits with the parent.
 */
export function serveForParent(handler: http.RequestListener, port: number, options: http.ServerOptions = {}): void {
  const server = http.createServer({ keepAliveTimeout: 30_000, ...options }, handler);
  server.listen(port, "127.0.0.1", () => process.send?.("ready"));
  process.on("message", () => {
    const { user, system } = process.cpuUsage();
    process.send?.(user + system);
  });
  process.on("SIGTERM", () => process.exit(0));
  process.on("disconnect", () => process.exit(0));
}

/** In the parent: waits for a child started with an IPC channel to serve (serveForParent); resolves with its CPU probe. */
export async function childServing(child: ChildProcess, name: string): Promise<() => Promise<number>> {
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return () =>
    new Promise<number>((resolve) => {
      child.once("message", (m) => resolve(Number(m)));
      child.send("cpu");
    });
}

/** CPU time (µs) of a process and its children (nginx: master + workers), from /proc. */
export async function processTreeCpu(pid: number): Promise<number> {
  const children = await fsp.readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  let ticks = 0;
  for (const p of [pid, ...children.split(" ").filter(Boolean).map(Number)]) {
    const stat = await fsp.readFile(`/proc/${p}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
  }
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}

export async function runWrk(wrk: string, t: Target, l: Load, seconds: number, conns: number, tmp: string): Promise<Run> {
  const script = path.join(tmp, "bench.lua");
  const headers = Object.entries(t.headers ?? {})
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join("\n");
  await fsp.writeFile(
    script,
    l.kind === "fixed"
      ? `wrk.path = ${JSON.stringify(t.path)}\n${headers}\n`
      : `${headers}
math.randomseed(${Math.floor(Math.random() * 1e9)})
request = function()
local s = math.random(0, ${l.size - l.length})
return wrk.format("GET", ${JSON.stringify(t.path)}, { ["Range"] = "bytes=" .. s .. "-" .. (s + ${l.length - 1}) })
end
`,
  );
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(wrk, ["-t1", `-c${conns}`, `-d${seconds}s`, "--latency", "-s", script, `http://127.0.0.1:${t.port}${t.path}`]);
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    child.once("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk failed: ${text}`))));
  });
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const ms = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) return NaN;
    const unit = m[2];
    return Number(m[1]) * (unit === "us" ? 0.001 : unit === "s" ? 1000 : 1);
  };
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const scale: Record<string, number> = { B: 1 / MIB, KB: 1 / 1024, MB: 1, GB: 1024 };
  return {
    requests: num(/(\d+) requests in/),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    mbps: transfer ? Number(transfer[1]) * (scale[transfer[2]] ?? NaN) : NaN,
    p50: ms(/50%\s+([\d.]+)(us|ms|s)/),
    p99: ms(/99%\s+([\d.]+)(us|ms|s)/),
    errors:
      (num(/Non-2xx or 3xx responses:\s+(\d+)/) || 0) +
      (/Socket errors:([^\n]*)/.exec(out)?.[1].match(/\d+/g) ?? []).reduce((sum, n) => sum + Number(n), 0),
  };
}

export async function runAutocannon(t: Target, l: Load, seconds: number, conns: number): Promise<Run> {
  const { default: autocannon } = await import("autocannon");
  const result = await autocannon({
    url: `http://127.0.0.1:${t.port}`,
    connections: conns,
    duration: seconds,
    requests: [
      {
        method: "GET",
        path: t.path,
        headers: t.headers,
        setupRequest: (req) => {
          if (l.kind === "ranges") {
            const s = Math.floor(Math.random() * (l.size - l.length + 1));
            req.headers = { ...req.headers, range: `bytes=${s}-${s + l.length - 1}` };
          }
          return req;
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    mbps: result.throughput.average / MIB,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

export function wrkVersion(wrk: string): string {
  return /wrk (\S+)/.exec(spawnSync(wrk, ["--version"], { encoding: "utf8" }).stdout ?? "")?.[1] ?? "";
}

export function printHeader(): void {
  console.log(
    `  ${"server".padEnd(38)}${"req/s".padStart(10)}${"MB/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}${"CPU µs/req".padStart(12)}`,
  );
}

export function printRow(name: string, r: Result): void {
  console.log(
    `  ${name.padEnd(38)}${r.rps.toFixed(0).padStart(10)}${r.mbps.toFixed(1).padStart(10)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}${String(r.errors).padStart(8)}${r.cpuPerRequest.toFixed(0).padStart(12)}`,
  );
}

/**
 * Stops a bench that runs past `seconds` (a wedged server must not hold the machine) or is interrupted, after
 * `cleanup`; returns the timer to clear once the bench is done.
 */
export function stopOnOverrun(name: string, seconds: number, cleanup: () => Promise<unknown>): NodeJS.Timeout {
  const timer = setTimeout(() => {
    console.error(`${name} exceeded its time limit; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, seconds * 1000);
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
  return timer;
}

/**
 * The command line of a load bench: `--duration N` (seconds, default 10), `--connections N` (default 50), and wrk
 * unless `--autocannon` (or wrk is not installed).
 */
export function loadOptions(args = process.argv.slice(2)): { duration: number; connections: number; wrk: string | null } {
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const wrk = args.includes("--autocannon") ? null : (["/usr/bin/wrk", "/usr/local/bin/wrk"].find((p) => fs.existsSync(p)) ?? null);
  return { duration: flag("duration", 10), connections: flag("connections", 50), wrk };
}

/**
 * Sanity check before timing: `length` bytes from `start` (or the last `length` when the file is shorter) through
 * the target equal the file's.
 */
export async function checkRange(target: Target, file: Buffer, length: number, start = 123_456_789): Promise<void> {
  const from = Math.max(0, Math.min(start, file.length - length));
  const body = await new Promise<Buffer>((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: target.port, path: target.path, headers: { range: `bytes=${from}-${from + length - 1}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => (res.statusCode === 206 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${target.name}: HTTP ${res.statusCode}`))));
      })
      .on("error", reject);
  });
  if (!body.equals(file.subarray(from, from + length))) throw new Error(`${target.name} sent wrong bytes`);
}
