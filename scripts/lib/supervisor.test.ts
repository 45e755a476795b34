import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Supervised } from "./supervisor";

const log = pino({ level: "silent" });
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-supervisor-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string) {
  const file = path.join(dir, name);
  await fs.writeFile(file, body);
  return file;
}

const READY = `process.send({ type: "ready" }); setInterval(() => {}, 1000);`;

describe("Supervised", () => {
  it("restarts a child that crashes, after a backoff", async () => {
    const marker = path.join(dir, "crashed-once");
    // Crashes on its first run, comes up on the second.
    const file = await script(
      "flaky.mjs",
      `import fs from "node:fs";
       if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ""); process.exit(3); }
       ${READY}`,
    );
    const lines: string[] = [];
    const child = new Supervised({ name: "flaky", script: file, env: process.env, output: (l) => lines.push(l), fatalBeforeReady: false }, log);
    const started = Date.now();
    child.start();
    const firstPid = child.pid;
    await child.ready;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(child.pid).not.toBe(firstPid);
    await child.stop();
  });

  it("starts Node with the child's own options (the web process' V8 flags)", async () => {
    const file = await script("flags.mjs", `console.log("flags " + process.execArgv.join(" ")); ${READY}`);
    const lines: string[] = [];
    const child = new Supervised({ name: "web", script: file, nodeOptions: ["--max-semi-space-size=2"], env: process.env, output: (l) => lines.push(l), fatalBeforeReady: true }, log);
    child.start();
    await child.ready;
    await child.stop();
    expect(lines.find((l) => l.startsWith("flags "))).toContain("--max-semi-space-size=2");
  });

  it("fails start-up when a fatal child dies before it is ready", async () => {
    const file = await script("broken.mjs", `console.log("cannot listen"); process.exit(1);`);
    const lines: string[] = [];
    const child = new Supervised({ name: "web", script: file, env: process.env, output: (l) => lines.push(l), fatalBeforeReady: true }, log);
    child.start();
    await expect(child.ready).rejects.toThrow("web exited during start-up (exit code 1)");
    expect(lines).toContain("cannot listen");
  });

  it("stops with SIGTERM, and kills a child that ignores it", async () => {
    const polite = new Supervised({ name: "polite", script: await script("polite.mjs", READY), env: process.env, output: () => {}, fatalBeforeReady: true }, log);
    polite.start();
    await polite.ready;
    const t0 = Date.now();
    // Ended by SIGTERM: long before the grace period after which it would have been killed.
    await polite.stop(60_000);
    expect(Date.now() - t0).toBeLessThan(30_000);

    const stubborn = new Supervised(
      { name: "stubborn", script: await script("stubborn.mjs", `process.on("SIGTERM", () => {}); ${READY}`), env: process.env, output: () => {}, fatalBeforeReady: true },
      log,
    );
    stubborn.start();
    await stubborn.ready;
    const pid = stubborn.pid!;
    await stubborn.stop(300);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
