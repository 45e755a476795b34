import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A database of this file's own: its import worker must take no other test's import jobs.
const { fresh } = await vi.hoisted(async () => {
  process.env.REEL_UNSAFE_ALLOW_LOOPBACK_FETCH = "1";
  const { freshDatabase } = await import("@/test/fresh-database");
  return { fresh: await freshDatabase() };
});

import type { PgBoss } from "pg-boss";
import { findImport } from "@/lib/imports/queries";
import { startImport } from "@/lib/imports/start";
import { createBoss, stopProducerBoss } from "@/lib/queue/boss";
import { startImportUrlWorker } from "./import-url";
import { asViewer, createTestUser } from "@/test/factories";
import { makeSource } from "@/test/media";

let server: http.Server;
let boss: PgBoss;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  const clip = fs.readFileSync(makeSource({ name: "queued.mp4", seconds: 1 }));
  server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "video/mp4", "content-length": String(clip.length) }).end(clip));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  boss = createBoss("worker");
  await boss.start();
  stopWorker = await startImportUrlWorker(boss);
});

afterAll(async () => {
  await stopWorker();
  await boss.stop({ graceful: false, close: true });
  server.close();
  await stopProducerBoss();
  await fresh.drop();
});

describe("import-url worker", () => {
  it("picks up a queued import and completes it", async () => {
    const viewer = asViewer(await createTestUser({ role: "admin" }));
    const row = await startImport(viewer, `http://127.0.0.1:${(server.address() as AddressInfo).port}/queued.mp4`);
    const deadline = Date.now() + 20_000;
    let current = await findImport(row.id);
    while (current?.status !== "done" && current?.status !== "failed" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      current = await findImport(row.id);
    }
    expect(current).toMatchObject({ status: "done" });
    expect(current?.videoId).toBeTruthy();
  });
});
