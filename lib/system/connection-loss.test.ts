import net from "node:net";
import { describe, expect, it } from "vitest";
import { isConnectionLoss } from "./connection-loss";

/** The error a real socket reports when its peer resets the connection. */
async function resetByPeer(): Promise<Error> {
  const server = net.createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    return await new Promise<Error>((resolve) => {
      const client = net.connect(port, "127.0.0.1");
      client.on("error", resolve);
      client.on("close", () => resolve(new Error("closed without an error")));
    });
  } finally {
    server.close();
  }
}

describe("isConnectionLoss", () => {
  it("is true for a connection reset by the server and Postgres' shutdown codes", async () => {
    expect(isConnectionLoss(await resetByPeer())).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
    expect(isConnectionLoss(new Error("Connection terminated unexpectedly"))).toBe(true);
  });

  it("is false for the code's own faults and for what is not an error", () => {
    expect(isConnectionLoss(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isConnectionLoss(Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" }))).toBe(false);
    expect(isConnectionLoss("ECONNRESET")).toBe(false);
    expect(isConnectionLoss(undefined)).toBe(false);
  });
});
