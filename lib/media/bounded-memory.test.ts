import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import type { ServerResponse } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK } from "./bodies";
import { createMediaHandler } from "./node-adapter";
import { parseKeyring } from "./signing";
import { listen, type Served } from "./test-support";
import { mediaUrl } from "./urls";

/**
 * The Node fast path streams in bounded chunks whatever the range: with many clients that ask for long ranges and
 * read nothing, the server holds at most a couple of chunks per response, not the range (or a large read-ahead).
 * Measured as the growth of Buffer memory (process.memoryUsage().arrayBuffers, after a full garbage collection)
 * once every response is stuck behind its full socket: no timing involved.
 */

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const CLIENTS = 48;
const FILE_SIZE = 24 * 1024 * 1024;
/** Per stuck response: its one chunk buffer, twice over for headroom (before, about a megabyte each). */
const PER_RESPONSE = 2 * CHUNK;
/** The pool of reusable chunks and whatever else the process allocates meanwhile. */
const SLACK = 4 * 1024 * 1024;

describe("the Node fast path holds bounded memory per response", () => {
  const keyring = parseKeyring(`m1:${randomBytes(24).toString("hex")}`);
  const video = randomUUID();
  const responses: ServerResponse[] = [];
  const closed: Array<Promise<unknown>> = [];
  let dir: string;
  let server: Served;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-bounded-"));
    await fs.mkdir(path.join(dir, video, "mp4"), { recursive: true });
    await fs.writeFile(path.join(dir, video, "mp4/video.mp4"), randomBytes(FILE_SIZE));
    const handler = createMediaHandler({ media: dir, keyring });
    server = await listen((req, res) => {
      responses.push(res);
      // A response queued behind another on a pipelined connection never closes; its request does.
      closed.push(new Promise((resolve) => req.once("close", resolve)));
      void handler(req, res);
    });
  });

  afterAll(async () => {
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const arrayBuffers = () => {
    gc();
    return process.memoryUsage().arrayBuffers;
  };

  const MIB = 1024 * 1024;
  const range = (start: number, end: number) => ({ range: `bytes=${start}-${end}` });
  it.each([
    ["whole-file GETs", CLIENTS, () => [{}]],
    ["long ranges", CLIENTS, (i: number) => [range(i * 1000, FILE_SIZE - 1 - i)]],
    // Pipelined on each connection: the answers queue up behind the first one.
    ["1 MiB ranges, 12 pipelined per connection", 8, (i: number) => Array.from({ length: 12 }, (_, j) => range((i * 12 + j) * 200_000, (i * 12 + j) * 200_000 + MIB - 1))],
  ])("%s to clients that read nothing", async (_, clients: number, requests: (i: number) => Array<Record<string, string>>) => {
    responses.length = 0;
    closed.length = 0;
    const url = mediaUrl(video, "mp4/video.mp4", { ttlSeconds: 600, keyring });
    const before = arrayBuffers();
    const sockets = await Promise.all(
      Array.from({ length: clients }, (_, i) => {
        const heads = requests(i).map((headers) => `GET ${url} HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`);
        return new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(server.port, "127.0.0.1", () => {
            // Never read: what the kernel's buffers cannot hold stays with the server.
            socket.pause();
            socket.write(heads.join(""), () => resolve(socket));
          });
          socket.once("error", reject);
        });
      }),
    );
    try {
      // Every response has started and is stuck behind its full socket (or done, if the kernel's buffers took it all)…
      while (responses.length < clients || responses.some((res) => !res.writableFinished && res.writableLength === 0)) {
        await new Promise((r) => setTimeout(r, 20));
      }
      // …and whatever the server still does meanwhile (reading ahead) has settled.
      let held = arrayBuffers() - before;
      for (let previous = -1; held !== previous; ) {
        await new Promise((r) => setTimeout(r, 100));
        previous = held;
        held = arrayBuffers() - before;
      }
      const stuck = responses.filter((res) => !res.writableFinished).length;
      expect(stuck, "responses stuck behind a full socket").toBeGreaterThan(0);
      expect(held, `${(held / 1024 / 1024).toFixed(1)} MiB held for ${stuck} stuck responses`).toBeLessThanOrEqual(stuck * PER_RESPONSE + SLACK);
    } finally {
      for (const socket of sockets) socket.destroy();
      // The next case measures from a server that has let go of these.
      await Promise.all(closed);
    }
  });
});
