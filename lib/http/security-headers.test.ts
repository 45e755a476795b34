import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, documentHeaders, inlineScriptHashes, newNonce, responseHeaders, scriptNonce, withScriptHashes } from "./security-headers";

/** The directives of a policy as a map of source lists. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("content security policy", () => {
  it("lets media, images and hls.js's requests reach the media origin (bucket or CDN) when there is one, and nothing else", () => {
    const d = directives(contentSecurityPolicy({ nonce: "n", dev: false, mediaOrigin: "https://media.example.com" }));
    expect(d.get("media-src")).toEqual(["'self'", "blob:", "https://media.example.com"]);
    expect(d.get("img-src")).toEqual(["'self'", "data:", "https://media.example.com"]);
    expect(d.get("connect-src")).toEqual(["'self'", "https://media.example.com"]);
    expect(d.get("script-src")).toEqual(["'self'", "'nonce-n'"]);
    expect(d.get("default-src")).toEqual(["'self'"]);
  });

  it("allows scripts from Reel's origin and the request's nonce only, never inline scripts at large", () => {
    const d = directives(contentSecurityPolicy({ nonce: "abc123==", dev: false }));
    expect(d.get("script-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    expect(d.get("default-src")).toEqual(["'self'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("base-uri")).toEqual(["'none'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    // Media Source Extensions play from blob: URLs.
    expect(d.get("media-src")).toEqual(["'self'", "blob:"]);
    for (const [name, sources] of d) {
      if (name !== "style-src") expect(sources, name).not.toContain("'unsafe-inline'");
      expect(sources, name).not.toContain("'unsafe-eval'");
      expect(sources, name).not.toContain("*");
    }
  });

  it("lets development evaluate code, and a page choose who may frame it", () => {
    const d = directives(contentSecurityPolicy({ nonce: "n", dev: true, frameAncestors: ["https://blog.example"] }));
    expect(d.get("script-src")).toEqual(["'self'", "'nonce-n'", "'unsafe-eval'"]);
    expect(d.get("frame-ancestors")).toEqual(["https://blog.example"]);
  });

  it("gives Next the nonce back as it reads it, from script-src only", () => {
    const nonce = newNonce();
    expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(nonce);
    expect(scriptNonce(contentSecurityPolicy({ nonce, dev: false }))).toBe(nonce);
    expect(scriptNonce("default-src 'self'; style-src 'nonce-abc'")).toBeUndefined();
    expect(scriptNonce(null)).toBeUndefined();
  });

  it("sends the document headers together, and keeps the features the player needs", () => {
    const headers = documentHeaders({ nonce: "n", dev: false });
    expect(Object.keys(headers).sort()).toEqual(["content-security-policy", "permissions-policy", "referrer-policy"]);
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    const features = new Map(headers["permissions-policy"].split(", ").map((f) => f.split("=") as [string, string]));
    for (const allowed of ["fullscreen", "picture-in-picture", "autoplay"]) expect(features.get(allowed), allowed).toBe("(self)");
    for (const denied of ["camera", "microphone", "geolocation", "payment", "usb"]) expect(features.get(denied), denied).toBe("()");
  });
});

describe("per-response headers", () => {
  it("always forbid sniffing, and add HSTS only over HTTPS", () => {
    expect(responseHeaders({ https: false })).toEqual({ "x-content-type-options": "nosniff" });
    expect(responseHeaders({ https: true })).toEqual({ "x-content-type-options": "nosniff", "strict-transport-security": "max-age=31536000" });
  });
});

describe("stored pages", () => {
  const early = "window.a = 1 < 2 && '</scr' + 'ipt>';";
  const data = 'self.__next_f.push([1,"\\u003cdiv\\u003e é"])';
  const html = [
    "<!DOCTYPE html><html><head>",
    '<script src="/_next/static/chunks/a.js" async="" nonce="old"></script>',
    `<script nonce="old">${early}</script>`,
    "</head><body>",
    `<SCRIPT nonce="old" id="x">${data}</SCRIPT >`,
    '<script type="application/json" nonce="old">{}</script>',
    `<script>${data}</script>`,
    "</body></html>",
  ].join("");

  it("hash every inline script as the browser does, once each, and skip script files", () => {
    expect(inlineScriptHashes(html)).toEqual([sha256(early), sha256(data), sha256("{}")]);
    expect(inlineScriptHashes("<p>no scripts</p>")).toEqual([]);
  });

  it("refuse pages whose script text a scan cannot reproduce", () => {
    expect(inlineScriptHashes("<script>a()\r\nb()</script>")).toBeNull();
    expect(inlineScriptHashes("<script>var s = '<!--';</script>")).toBeNull();
  });

  it("swap the render's nonce for the hashes, and nothing else", () => {
    const policy = contentSecurityPolicy({ nonce: "old", dev: false });
    const stored = withScriptHashes(policy, ["'sha256-AAA='", "'sha256-BBB='"]);
    const d = directives(stored);
    expect(d.get("script-src")).toEqual(["'self'", "'sha256-AAA='", "'sha256-BBB='"]);
    expect(stored).not.toContain("nonce");
    expect([...d.keys()]).toEqual([...directives(policy).keys()]);
    for (const [name, sources] of directives(policy)) if (name !== "script-src") expect(d.get(name), name).toEqual(sources);
  });
});
