import net, { type AddressInfo, type Socket } from "node:net";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRange } from "./range-relay";

/**
 * The relay against a raw TCP server on loopback that answers each request with what the test wrote for its path, so
 * heads a file server would never send (repeated lengths, chunked bodies, extra bytes) can be sent.
 */

const BODY = Buffer.from("0123456789abcdefghij");
const answers: Record<string, string | Buffer> = {
  "/plain": Buffer.concat([Buffer.from(`HTTP/1.1 206 Partial Content\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-19/100\r\nContent-Length: 20\r\n\r\n`), BODY]),
  "/two-lengths": "HTTP/1.1 206 Partial Content\r\nContent-Length: 20\r\nContent-Length: 5\r\n\r\n01234",
  "/chunked": "HTTP/1.1 206 Partial Content\r\nContent-Length: 20\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  "/ok": "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij",
  "/extra": Buffer.concat([Buffer.from("HTTP/1.1 206 Partial Content\r\nContent-Length: 20\r\n\r\n"), BODY, Buffer.from("HTTP/1.1 200 OK\r\n\r\n")]),
  "/close": Buffer.concat([Buffer.from("HTTP/1.1 206 Partial Content\r\nContent-Length: 20\r\nConnection: close\r\n\r\n"), BODY]),
};

let server: net.Server;
let port: number;
/** Every accepted connection, and the request paths it carried. */
const connections: { socket: Socket; paths: string[] }[] = [];

beforeAll(async () => {
  server = net.createServer((socket) => {
    const seen = { socket, paths: [] as string[] };
    connections.push(seen);
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
        const path = pending.slice(4, pending.indexOf(" ", 4));
        pending = pending.slice(end + 4);
        seen.paths.push(path);
        socket.write(answers[path] ?? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const { socket } of connections) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const loopback = [{ address: "127.0.0.1", family: 4 as const }];
const request = { range: "bytes=0-19", connectTimeoutMs: 1000, idleTimeoutMs: 1000 };

/** Relays a range of `path` into memory; resolves with its bytes and how the relay ended. */
async function relayed(path: string, addresses = loopback): Promise<{ bytes: Buffer; error: Error | null | undefined } | null> {
  const body = await fetchRange(new URL(`http://127.0.0.1:${port}${path}`), addresses, request);
  if (!body) return null;
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const error = await new Promise<Error | null | undefined>((resolve) => body.relay(out, resolve));
  return { bytes: Buffer.concat(chunks), error };
}

const connectionOf = (path: string) => connections.findLast((c) => c.paths.includes(path));

describe("the range relay", () => {
  it("relays a plain 206 exactly, and reuses its connection for the same origin and addresses only", async () => {
    const before = connections.length;
    expect(await relayed("/plain")).toEqual({ bytes: BODY, error: null });
    expect(await relayed("/plain")).toEqual({ bytes: BODY, error: null });
    expect(connections.length).toBe(before + 1);
    // The same origin resolved to another set of addresses: a connection of its own.
    expect(await relayed("/plain", [...loopback, { address: "127.0.0.2", family: 4 }])).toEqual({ bytes: BODY, error: null });
    expect(connections.length).toBe(before + 2);
  });

  it("takes nothing but a plain 206: a repeated length, a chunked body or a 200 close the connection and give null", async () => {
    for (const path of ["/two-lengths", "/chunked", "/ok"]) {
      expect(await relayed(path)).toBeNull();
      const closed = connectionOf(path)!.socket;
      await expect(new Promise((resolve) => (closed.closed ? resolve("closed") : closed.once("close", () => resolve("closed"))))).resolves.toBe("closed");
    }
  });

  it("does not keep a connection that sent more than its length, or that said it closes", async () => {
    for (const path of ["/extra", "/close"]) {
      expect(await relayed(path)).toEqual({ bytes: BODY, error: null });
      const before = connections.length;
      expect(await relayed(path)).toEqual({ bytes: BODY, error: null });
      expect(connections.length).toBe(before + 1);
    }
  });
});
