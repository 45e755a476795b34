import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import type { ServerResponse } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CHUNK } from "./bodies";
import { createMediaHandler } from "./node-adapter";
import { parseKeyring } from "./signing";
import { listen, type Served } from "./test-support";
import { mediaUrl } from "./urls";

/**
 * A response whose client takes nothing for the send timeout is cut off; one whose client keeps taking bytes is not,
 * however long it lasts in all. The clock is faked (setTimeout only), so no outcome depends on the machine's speed.
 */
describe("the Node fast path's send timeout", () => {
  const keyring = parseKeyring(`m1:${randomBytes(24).toString("hex")}`);
  const video = randomUUID();
  const FILE_SIZE = 24 * 1024 * 1024;
  const TIMEOUT = 60_000;
  let dir: string;
  let server: Served;
  let res: Promise<ServerResponse>;
  let gotResponse: (res: ServerResponse) => void;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "reel-send-timeout-"));
    await fs.mkdir(path.join(dir, video, "mp4"), { recursive: true });
    await fs.writeFile(path.join(dir, video, "mp4/video.mp4"), randomBytes(FILE_SIZE));
    const handler = createMediaHandler({ media: dir, keyring, sendTimeoutMs: TIMEOUT });
    server = await listen((req, response) => {
      gotResponse(response);
      void handler(req, response);
    });
  });

  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A client that asks for the whole file and reads nothing until told to. */
  const stalledClient = async () => {
    res = new Promise((resolve) => (gotResponse = resolve));
    const url = mediaUrl(video, "mp4/video.mp4", { ttlSeconds: 600, keyring });
    const socket = net.connect(server.port, "127.0.0.1");
    socket.pause();
    socket.write(`GET ${url} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
    const response = await res;
    // Stuck: a chunk is waiting for the socket.
    while (response.writableLength === 0 && !response.writableFinished) await new Promise((r) => setImmediate(r));
    expect(response.writableFinished).toBe(false);
    return { socket, response };
  };

  const closed = (response: ServerResponse) => new Promise<boolean>((resolve) => (response.closed ? resolve(response.writableFinished) : response.once("close", () => resolve(response.writableFinished))));

  it("cuts off a client that takes nothing for the timeout", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { socket, response } = await stalledClient();
    vi.advanceTimersByTime(TIMEOUT - 1);
    expect(response.closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await closed(response)).toBe(false);
    socket.destroy();
  });

  it("keeps a client that takes bytes now and then, for longer than the timeout in all", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { socket, response } = await stalledClient();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(TIMEOUT - 1);
      // Take some bytes: the server's next chunk goes out, which re-arms its timer.
      const written = response.socket!.bytesWritten;
      socket.resume();
      while (response.socket!.bytesWritten <= written + CHUNK && !response.closed) await new Promise((r) => setImmediate(r));
      socket.pause();
      expect(response.closed, `round ${i}`).toBe(false);
    }
    let received = 0;
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    const ended = new Promise((resolve) => socket.once("end", resolve));
    socket.resume();
    expect(await closed(response)).toBe(true);
    await ended;
    expect(received).toBeGreaterThan(0);
  });
});
