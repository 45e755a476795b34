import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp } from "@/lib/auth/client-ip";
import { nodeHeaderSource } from "@/lib/http/node-headers";
import { refreshPage, takeRefreshMark } from "./page-refresh";

/** A server that answers every request and has each one that is not a refresh refreshed, keeping the refreshes' headers. */
let server: http.Server;
let url: string;
const refreshes: http.IncomingHttpHeaders[] = [];
let refreshed: Promise<void> = Promise.resolve();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (takeRefreshMark(req)) refreshes.push({ ...req.headers });
    else refreshed = refreshPage(req);
    res.writeHead(200, { "content-type": "text/plain" }).end("page");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("a page's background refresh", () => {
  it("comes from the server's own address, even to trusted proxies' X-Forwarded-For, with the viewer's credentials", async () => {
    const viewer = {
      cookie: "authjs.session-token=viewer",
      authorization: "Basic cHJveHk6cGFzcw==",
      "x-forwarded-for": "203.0.113.9, 198.51.100.4",
      forwarded: "for=203.0.113.9",
      "x-real-ip": "203.0.113.9",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "reel.example",
    };
    const res = await fetch(`${url}/admin/quality?range=30d`, { headers: viewer });
    expect(await res.text()).toBe("page");
    await refreshed;
    expect(refreshes).toHaveLength(1);
    const [headers] = refreshes;
    // As many trusted proxies as the viewer's request passed, or fewer: the address is the server's, never theirs.
    for (const proxies of [1, 2, 3]) expect(clientIp(nodeHeaderSource(headers), proxies), `${proxies} trusted`).toBe("127.0.0.1");
    expect(JSON.stringify(headers)).not.toContain("203.0.113.9");
    expect(JSON.stringify(headers)).not.toContain("198.51.100.4");
    // What decides who the viewer is and how they came in is as they sent it.
    for (const name of ["cookie", "authorization", "x-forwarded-proto", "x-forwarded-host"] as const) expect(headers[name], name).toBe(viewer[name]);
  });
});
