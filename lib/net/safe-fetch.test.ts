import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { checkedAddresses, safeFetch, type Resolver } from "./safe-fetch";

/** A loopback server: /ok answers, /hop/N redirects N more times, /to?u= redirects anywhere. */
let server: http.Server;
let port: number;
const seen: { url: string; host?: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", host: req.headers.host, authorization: req.headers.authorization });
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/ok") return res.end("hello");
    const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (hop) {
      const n = Number(hop[1]);
      res.writeHead(302, { location: n === 0 ? "/ok" : `/hop/${n - 1}` });
      return res.end();
    }
    if (url.pathname === "/to") {
      res.writeHead(307, { location: url.searchParams.get("u") ?? "/" });
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A resolver that answers from a table and counts how often it was asked. */
function fakeDns(table: Record<string, string[]>) {
  const calls: string[] = [];
  const resolve: Resolver = async (hostname) => {
    calls.push(hostname);
    const found = table[hostname];
    if (!found) throw new Error("ENOTFOUND");
    return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, calls };
}

async function refusal(promise: Promise<unknown>): Promise<{ reason: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  const reason = (appError.details as { refused: string }).refused;
  // What the URL says is wrong is a 400; where it points is not allowed, a 403; too many redirects, a 502.
  expect(appError.status).toBe(["syntax", "scheme", "credentials"].includes(reason) ? 400 : reason === "redirects" ? 502 : 403);
  return { reason: (appError.details as { refused: string }).refused, message: appError.message };
}

describe("safeFetch refuses", () => {
  const noDns: Resolver = async () => {
    throw new Error("DNS must not be asked for an address literal");
  };

  it.each([
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://%31%32%37.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[2002:7f00:1::1]/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.0.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://255.255.255.255/",
    "http://192.0.2.1/",
    "http://240.0.0.1/",
    "https://10.0.0.1/",
  ])("%s (non-public address)", async (url) => {
    const { reason } = await refusal(safeFetch(url, { resolve: noDns, allowLoopback: false }));
    expect(reason).toBe("address");
  });

  it.each([
    ["file:///etc/passwd", "scheme"],
    ["ftp://example.com/video.mp4", "scheme"],
    ["gopher://example.com/", "scheme"],
    ["data:video/mp4;base64,AAAA", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["http://user:secret@example.com/video.mp4", "credentials"],
    ["http://user@example.com/video.mp4", "credentials"],
    ["not a url", "syntax"],
    ["http://example.com:22/video.mp4", "port"],
    ["http://example.com:8080/video.mp4", "port"],
    ["http://example.com:6379/", "port"],
    ["https://example.com:5432/", "port"],
  ])("%s (%s)", async (url, expected) => {
    const dns = fakeDns({ "example.com": ["93.184.216.34"] });
    const { reason } = await refusal(safeFetch(url, { resolve: dns.resolve, allowLoopback: false }));
    expect(reason).toBe(expected);
  });

  it("a public-looking host name that resolves to loopback", async () => {
    const dns = fakeDns({ "videos.example.net": ["127.0.0.1"] });
    const { reason, message } = await refusal(safeFetch(`http://videos.example.net/ok`, { resolve: dns.resolve, allowLoopback: false }));
    expect(reason).toBe("address");
    expect(message).toContain("videos.example.net resolves to 127.0.0.1");
  });

  it("a host with one private address among public ones (every address must be public)", async () => {
    const dns = fakeDns({ "cdn.example.net": ["93.184.216.34", "2606:4700::1", "10.0.0.7"] });
    const { reason } = await refusal(safeFetch("https://cdn.example.net/v.mp4", { resolve: dns.resolve, allowLoopback: false }));
    expect(reason).toBe("address");
  });

  it("a host that resolves to the metadata address over IPv6", async () => {
    const dns = fakeDns({ "meta.example.net": ["fd00:ec2::254"] });
    const { reason } = await refusal(safeFetch("http://meta.example.net/", { resolve: dns.resolve, allowLoopback: false }));
    expect(reason).toBe("address");
  });

  it("localhost through the system resolver", async () => {
    const { reason } = await refusal(safeFetch("http://localhost/", { allowLoopback: false }));
    expect(reason).toBe("address");
  });

  it("a redirect to a private address", async () => {
    for (const target of ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::ffff:192.168.0.1]/", "file:///etc/passwd"]) {
      const before = seen.length;
      const { reason } = await refusal(
        safeFetch(`http://127.0.0.1:${port}/to?u=${encodeURIComponent(target)}`, { allowLoopback: true }),
      );
      expect(["address", "scheme"]).toContain(reason);
      expect(seen.length).toBe(before + 1);
    }
  });

  it("a redirect to a host name that resolves privately", async () => {
    const dns = fakeDns({ "evil.example.net": ["192.168.1.10"] });
    const { reason } = await refusal(
      safeFetch(`http://127.0.0.1:${port}/to?u=${encodeURIComponent("http://evil.example.net/x")}`, { allowLoopback: true, resolve: dns.resolve }),
    );
    expect(reason).toBe("address");
    expect(dns.calls).toEqual(["evil.example.net"]);
  });

  it("more than 5 redirects", async () => {
    const { reason } = await refusal(safeFetch(`http://127.0.0.1:${port}/hop/5`, { allowLoopback: true }));
    expect(reason).toBe("redirects");
  });
});

describe("the admin's fetch policy", () => {
  it("allows a listed port, and only that one", async () => {
    const dns = fakeDns({ "example.com": ["93.184.216.34"] });
    const policy = { ports: [8443], privateHosts: [] };
    await expect(checkedAddresses(new URL("https://example.com:8443/a.mp4"), { resolve: dns.resolve, allowLoopback: false, policy })).resolves.toHaveLength(1);
    const { reason } = await refusal(checkedAddresses(new URL("http://example.com:8080/a.mp4"), { resolve: dns.resolve, allowLoopback: false, policy }));
    expect(reason).toBe("port");
  });

  it("lets a listed host NAME resolve to a private address (a NAS), nothing else", async () => {
    const dns = fakeDns({ "nas.home.arpa": ["192.168.1.20", "fd12:3456::20"], "other.home.arpa": ["192.168.1.21"], "meta.home.arpa": ["fd00:ec2::254"], "lo.home.arpa": ["127.0.0.1"], "link.home.arpa": ["169.254.169.254"] });
    const off = { resolve: dns.resolve, allowLoopback: false };
    // Off by default.
    expect((await refusal(checkedAddresses(new URL("http://nas.home.arpa/a.mp4"), off))).reason).toBe("address");
    const policy = { ports: [], privateHosts: ["nas.home.arpa", "meta.home.arpa", "lo.home.arpa", "link.home.arpa"] };
    await expect(checkedAddresses(new URL("http://NAS.home.arpa/a.mp4"), { ...off, policy })).resolves.toHaveLength(2);
    for (const url of ["http://other.home.arpa/", "http://meta.home.arpa/", "http://lo.home.arpa/", "http://link.home.arpa/", "http://192.168.1.20/"]) {
      expect((await refusal(checkedAddresses(new URL(url), { ...off, policy }))).reason).toBe("address");
    }
  });
});

describe("safeFetch allows", () => {
  it("exactly 5 redirects, each followed and re-checked", async () => {
    const res = await safeFetch(`http://127.0.0.1:${port}/hop/4`, { allowLoopback: true });
    expect(res.status).toBe(200);
    expect(res.redirects).toHaveLength(5);
    expect(res.url).toBe(`http://127.0.0.1:${port}/ok`);
    res.body.resume();
  });

  it("connects to the address it checked, asking DNS once per hop (no rebinding window)", async () => {
    let answers = 0;
    // A rebinding resolver: first a loopback answer (allowed in this test), then a private one.
    const resolve: Resolver = async () => (answers++ === 0 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.0.0.1", family: 4 }]);
    const res = await safeFetch(`http://media.example.test:${port}/ok`, { allowLoopback: true, resolve });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("hello");
    expect(answers).toBe(1);
    expect(res.address).toBe("127.0.0.1");
    // The request went to our checked address but kept its own Host header.
    expect(seen.at(-1)?.host).toBe(`media.example.test:${port}`);
  });

  it("drops credential headers when a redirect leaves the origin", async () => {
    const dns = fakeDns({ "other.example.test": ["127.0.0.1"] });
    const target = `http://other.example.test:${port}/ok`;
    const res = await safeFetch(`http://127.0.0.1:${port}/to?u=${encodeURIComponent(target)}`, {
      allowLoopback: true,
      resolve: dns.resolve,
      headers: { authorization: "Bearer secret" },
    });
    res.body.resume();
    expect(seen.at(-2)?.authorization).toBe("Bearer secret");
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });
});

describe("kept answers and kept connections", () => {
  it("checks a kept DNS answer again on every use", async () => {
    // localhost comes from the system resolver, which keeps its answer: allowed once, the same answer is refused
    // when loopback is not allowed.
    const first = await safeFetch(`http://localhost:${port}/ok`, { allowLoopback: true });
    first.body.resume();
    expect(first.status).toBe(200);
    const again = await refusal(safeFetch(`http://localhost:${port}/ok`, { allowLoopback: false }));
    expect(again.reason).toBe("address");
  });

  it("reuses a kept-alive connection only for the addresses it was connected to", async () => {
    let answer = "127.0.0.1";
    const resolve: Resolver = async () => [{ address: answer, family: 4 }];
    const url = `http://moving.example.test:${port}/ok`;
    const first = await safeFetch(url, { allowLoopback: true, resolve, keepAlive: true });
    const pooled = first.body.socket;
    // Read to the end without destroying the response (a for-await loop would close the socket).
    await once(first.body.resume(), "end");
    // The host now resolves elsewhere (nothing listens on 127.0.0.2): the pooled socket to 127.0.0.1 must not be used.
    answer = "127.0.0.2";
    const moved = await safeFetch(url, { allowLoopback: true, resolve, keepAlive: true }).then(
      (res) => (res.body.resume(), res.address),
      (error: AppError) => error.status,
    );
    expect(moved).not.toBe("127.0.0.1");
    // Back at the first address, the kept connection serves again.
    answer = "127.0.0.1";
    const back = await safeFetch(url, { allowLoopback: true, resolve, keepAlive: true });
    expect(back.body.socket).toBe(pooled);
    back.body.resume();
  });
});
