import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { APP_HOLD_MS, APP_SCRIPT_ATTRIBUTE, FIRST_FRAME_PENDING_ATTRIBUTE } from "@/components/player/early/app-scripts";
import { closeGracefully, createWebServer, type RequestHandler } from "./http-server";
import { appScriptHold, watchPageFastPath } from "./watch-page";

const HEAD = `<!DOCTYPE html><html><head><link rel="stylesheet" href="/_next/static/chunks/a.css"/><link rel="preload" as="script" fetchPriority="low" nonce="n1" href="/_next/static/chunks/main.js"/><link rel="preload" href="/media/t/seg.m4s" as="fetch" crossorigin="" fetchPriority="high"/><script src="/_next/static/chunks/react.js" async="" nonce="n1"></script><script src="/_next/static/chunks/old.js" noModule="" nonce="n1"></script></head>`;
const PLAYER = `<body><video src="x"></video><script type="module" async nonce="n1" data-reel-early-start="{}">start()</script>`;
const TAIL = `<script nonce="n1">self.__next_f.push([1,"x"])</script><script src="/_next/static/chunks/main.js" nonce="n1" async=""></script></body></html>`;

/** Feeds `parts` through a fresh hold, as the chunks of one response, and returns what went out after each. */
function run(parts: string[]) {
  const hold = appScriptHold();
  const outs = parts.map((part) => hold.push(part));
  return { outs, body: outs.join("") + hold.end() };
}

describe("appScriptHold", () => {
  it("turns the app's async scripts into marked data blocks on a page with an early start, in the head and after it", () => {
    const { body } = run([HEAD + PLAYER + TAIL]);
    // A type no browser fetches or runs: the early start has them downloaded, then run (app-scripts.ts).
    expect(body).toContain(`<script type="text/x-reel-held" ${APP_SCRIPT_ATTRIBUTE}="" src="/_next/static/chunks/react.js" nonce="n1"></script>`);
    expect(body).toContain(`<script type="text/x-reel-held" ${APP_SCRIPT_ATTRIBUTE}="" src="/_next/static/chunks/main.js" nonce="n1"></script>`);
    expect(body).not.toMatch(/<script src="\/_next\/static\/chunks\/(react|main)\.js"/);
    // The framework's preload of a held script goes (it would take one of the browser's connections from the media);
    // the media's own preloads and the stylesheet stay.
    expect(body).not.toContain(`<link rel="preload" as="script"`);
    expect(body).toContain(`<link rel="preload" href="/media/t/seg.m4s" as="fetch" crossorigin="" fetchPriority="high"/>`);
    expect(body).toContain(`<link rel="stylesheet" href="/_next/static/chunks/a.css"/>`);
    // The legacy-browser script, the inline ones and the early start itself stay as they are.
    expect(body).toContain(`<script src="/_next/static/chunks/old.js" noModule="" nonce="n1"></script>`);
    expect(body).toContain(`<script nonce="n1">self.__next_f.push([1,"x"])</script>`);
    expect(body).toContain(PLAYER);
  });

  it("starts the head with the script that leaves all but the player unrendered until the first frame, with the page's nonce", () => {
    const { body } = run([HEAD + PLAYER + TAIL]);
    const gate = /^<!DOCTYPE html><html><head><script nonce="n1">([^<]*)<\/script><link rel="stylesheet"/.exec(body);
    expect(gate).not.toBeNull();
    expect(gate![1]).toContain(`"${FIRST_FRAME_PENDING_ATTRIBUTE}"`);
    // It lifts itself after the hold's time limit, should no early start ever run.
    expect(gate![1]).toContain(`,${APP_HOLD_MS})`);
    expect(body.match(new RegExp(FIRST_FRAME_PENDING_ATTRIBUTE, "g"))).toHaveLength(2);
  });

  it("holds the page until it knows, then sends everything held; tags cut between chunks are seen whole", () => {
    const html = HEAD + PLAYER + TAIL;
    // Cut inside the first script tag, inside the early start's marker and inside the last script tag.
    const cuts = [html.indexOf("react.js") - 3, html.indexOf("reel-early") + 3, html.lastIndexOf("main.js")];
    const parts = [html.slice(0, cuts[0]), html.slice(cuts[0], cuts[1]), html.slice(cuts[1], cuts[2]), html.slice(cuts[2])];
    const { outs, body } = run(parts);
    expect(outs[0]).toBe("");
    expect(outs[1]).toBe("");
    expect(outs[2]).toContain(`${APP_SCRIPT_ATTRIBUTE}="" src="/_next/static/chunks/react.js"`);
    expect(body).toBe(run([html]).body);
  });

  it("leaves a page without an early start as it is (a title still processing, a failed one)", () => {
    const html = HEAD + `<body><p>Processing</p>` + TAIL;
    const { outs, body } = run([html.slice(0, 200), html.slice(200)]);
    expect(outs[0]).toBe("");
    expect(body).toBe(html);
  });

  it("is not fooled by a title or description that names the early start's attribute", async () => {
    // React escapes text and attribute values, so the name can come by, but never inside a <script tag.
    const html = HEAD.replace("</head>", "<title>data-reel-early-start= &lt;script data-reel-early-start=</title></head>") + `<body><p>data-reel-early-start=</p>` + TAIL;
    expect(run([html]).body).toBe(html);
  });

  it("stops holding a long page whose early start does not come, and leaves it as it is", () => {
    const long = HEAD + `<body>${"<p>text</p>".repeat(20_000)}`;
    const hold = appScriptHold();
    expect(hold.push(long)).toBe(long);
    expect(hold.push(PLAYER)).toBe(PLAYER);
  });
});

describe("the watch page through the web server", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    if (server) await closeGracefully(server, 100);
    server = undefined;
  });

  /** A stand-in for Next: the page in three writes with a flush after each, as Next streams it, and what it was asked. */
  async function serve(page: string, type = "text/html; charset=utf-8", status = 200) {
    const asked: (string | undefined)[] = [];
    const next: RequestHandler = async (req, res) => {
      asked.push(req.headers["accept-encoding"]);
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(page) });
      const thirds = [page.slice(0, 100), page.slice(100, 400), page.slice(400)];
      for (const part of thirds.slice(0, 2)) {
        res.write(Buffer.from(part));
        (res as unknown as { flush?: () => void }).flush?.();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      res.end(Buffer.from(thirds[2]));
    };
    server = createWebServer({ fastPaths: [watchPageFastPath], fallback: next, log: pino({ level: "silent" }) });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
  }

  function get(url: string, headers: Record<string, string>) {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http.get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on("error", reject);
    });
  }

  it("holds the app's scripts back, gzipped for a client that takes it and plain for one that does not", async () => {
    const page = HEAD + PLAYER + TAIL;
    const { base, asked } = await serve(page);
    const zipped = await get(`${base}/watch/1`, { "accept-encoding": "gzip, br" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers["content-length"]).toBeUndefined();
    expect(zipped.headers.vary?.toLowerCase()).toContain("accept-encoding");
    const plain = await get(`${base}/watch/1`, {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const expected = run([page]).body;
    expect(zlib.gunzipSync(zipped.body).toString()).toBe(expected);
    expect(plain.body.toString()).toBe(expected);
    expect(expected).toContain(`${APP_SCRIPT_ATTRIBUTE}=""`);
    // Next is asked for an identity body, which the server compresses after the rewrite.
    expect(asked).toEqual([undefined, undefined]);
  });

  it("leaves other answers as Next made them: not HTML, not found, the router's requests", async () => {
    const page = HEAD + PLAYER + TAIL;
    const json = await serve(page, "application/json");
    expect((await get(`${json.base}/watch/1`, {})).body.toString()).toBe(page);
    await closeGracefully(server!, 100);
    const missing = await serve(page, "text/html", 404);
    expect((await get(`${missing.base}/watch/1`, {})).body.toString()).toBe(page);
    await closeGracefully(server!, 100);
    const { base, asked } = await serve(page);
    expect((await get(`${base}/watch/1`, { rsc: "1", "accept-encoding": "gzip" })).body.toString()).toBe(page);
    expect(asked).toEqual(["gzip"]);
  });
});
