import { fork } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
let child: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-shutdown-"));
  child = path.join(dir, "child.ts");
  // A process set up the way the web server and the worker are: its stop step prints whether a stop has begun.
  await fs.writeFile(
    child,
    `import { childLogger } from ${JSON.stringify(path.resolve("lib/log.ts"))};
import { onShutdown } from ${JSON.stringify(path.resolve("lib/system/shutdown.ts"))};
const state = onShutdown(childLogger("test"), "test process", async () => { console.log("stop ran, stopping=" + state.stopping); });
process.send!({ type: "ready", stopping: state.stopping });
setInterval(() => {}, 1000);
`,
  );
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Starts the child, waits for it to be ready, applies `end`, and returns its exit code and output. */
async function run(end: (proc: ReturnType<typeof fork>) => void) {
  const proc = fork(child, { execArgv: ["--import", "tsx"], env: { ...process.env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  let out = "";
  proc.stdout!.on("data", (chunk) => (out += chunk));
  const ready = await new Promise<{ stopping: boolean }>((resolve, reject) => {
    proc.once("message", (m) => resolve(m as { stopping: boolean }));
    proc.once("exit", (code) => reject(new Error(`the child exited (${code}) before it was ready`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  end(proc);
  return { ready, code: await exited, out };
}

describe("onShutdown", () => {
  it.each([
    ["SIGTERM", (p: ReturnType<typeof fork>) => p.kill("SIGTERM")],
    ["SIGINT", (p: ReturnType<typeof fork>) => p.kill("SIGINT")],
    ["launcher gone", (p: ReturnType<typeof fork>) => p.disconnect()],
  ])("on %s: runs the stop step once, marked as stopping, and exits 0", async (reason, end) => {
    const { ready, code, out } = await run(end);
    expect(ready.stopping).toBe(false);
    expect(code).toBe(0);
    expect(out.match(/stop ran, stopping=true/g)).toHaveLength(1);
    const line = out.split("\n").find((l) => l.includes("test process stopping"));
    expect(JSON.parse(line!)).toMatchObject({ reason, msg: "test process stopping" });
  });
});
