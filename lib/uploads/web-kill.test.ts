import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Its own queue: the pipeline workers started here must not take other test files' jobs, nor leave theirs half done.
const { fresh } = await vi.hoisted(async () => {
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import { env, paths } from "@/lib/env";
import { createBoss, stopProducerBoss } from "@/lib/queue/boss";
import { findVideo } from "@/lib/videos/queries";
import { startPipelineWorkers } from "@/workers/pipeline";
import { freePort } from "@/scripts/lib/ports";
import { makeSource } from "@/test/media";
import { createTokenUser } from "@/test/serve-routes";
import { startWebProcess } from "@/test/web-process";
import { VIDEO_ID_HEADER } from "./server";

/**
 * Fault: the web process is SIGKILLed while a tus PATCH is half sent. A new web process on the same
 * data folder and database must answer HEAD with the offset it had stored, take the rest from there
 * (nothing sent twice), and hand the complete, byte-identical file to the pipeline.
 */

let stopWorkers: (graceMs?: number) => Promise<void>;
const webs: Awaited<ReturnType<typeof startWebProcess>>[] = [];

beforeAll(async () => {
  const boss = createBoss("worker");
  await boss.start();
  stopWorkers = await startPipelineWorkers(boss);
});

afterAll(async () => {
  for (const web of webs) if (web.child.exitCode === null) web.child.kill("SIGKILL");
  await stopWorkers?.(1000);
  await stopProducerBoss();
  await fresh.drop();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("the web process SIGKILLed mid-upload", () => {
  it("resumes from the stored offset in a new web process, re-sends nothing, and the upload becomes a video", async () => {
    const { authorization } = await createTokenUser({ role: "member", canUpload: true });
    const bytes = fs.readFileSync(makeSource({ name: "kill-web.mp4", seconds: 3 }));
    const port = await freePort(env.PORT + 40);
    const tus = { authorization, "tus-resumable": "1.0.0" };

    webs.push(await startWebProcess(port));
    const created = await fetch(`http://127.0.0.1:${port}/api/uploads`, {
      method: "POST",
      headers: { ...tus, "upload-length": String(bytes.length), "upload-metadata": `filename ${Buffer.from("kill-web.mp4").toString("base64")}` },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get("location")!;
    const dataFile = path.join(paths.uploads, path.basename(location));

    // One PATCH for the whole file, of which only the first 60 % go out before the process dies.
    const sentBeforeKill = Math.floor(bytes.length * 0.6);
    const patch = http.request(`http://127.0.0.1:${port}${location}`, {
      method: "PATCH",
      headers: { ...tus, "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(bytes.length) },
    });
    const patchOutcome = new Promise<string>((resolve) => {
      patch.once("response", (res) => resolve(`answered ${res.statusCode}`));
      patch.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    patch.write(bytes.subarray(0, sentBeforeKill));
    // Killed once the server has stored what it received (mid-request: the PATCH never finishes).
    for (let i = 0; i < 500 && (fs.statSync(dataFile, { throwIfNoEntry: false })?.size ?? 0) < sentBeforeKill; i++) await new Promise((r) => setTimeout(r, 20));
    webs[0].child.kill("SIGKILL");
    await webs[0].exited;
    expect(await patchOutcome).toMatch(/^E/);
    const offsetAtKill = fs.statSync(dataFile).size;
    expect(offsetAtKill).toBe(sentBeforeKill);

    webs.push(await startWebProcess(port));
    const head = await fetch(`http://127.0.0.1:${port}${location}`, { method: "HEAD", headers: tus });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get("upload-offset"));
    expect(offset).toBe(offsetAtKill);

    const rest = bytes.subarray(offset);
    const finished = await fetch(`http://127.0.0.1:${port}${location}`, {
      method: "PATCH",
      headers: { ...tus, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: new Uint8Array(rest),
    });
    expect(finished.status).toBe(204);
    const videoId = finished.headers.get(VIDEO_ID_HEADER)!;
    expect(videoId).toMatch(/^[0-9a-f-]{36}$/);
    const resent = sentBeforeKill + rest.length - bytes.length;
    expect(resent).toBe(0);

    const video = await findVideo(videoId);
    expect(sha256(fs.readFileSync(video!.sourcePath!))).toBe(sha256(bytes));
    let done = video!;
    for (let i = 0; i < 600 && done.status !== "ready" && done.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = (await findVideo(videoId))!;
    }
    expect(done).toMatchObject({ status: "ready", failureReason: null });
    console.info(
      `web SIGKILLed mid-upload: ${bytes.length} bytes, offset at kill ${offsetAtKill}, HEAD after restart ${offset}, ` +
        `bytes re-sent ${resent}, source sha256 identical, video ${done.status}`,
    );
  });
});
