import { createHash, randomBytes } from "node:crypto";

/**
 * The one place that decides Reel's security headers. Pure (no environment, no framework), so the three places that
 * send them share it: Reel's Node server (every response, lib/server/http-server.ts), the proxy (`proxy.ts`, pages
 * rendered by Next, also under `next start` alone) and the response cache (stored pages, lib/server/response-cache.ts).
 * next.config.ts sends the per-response headers for answers that pass neither the Node server nor the proxy.
 *
 * Scripts: only Reel's own files ('self', served with nosniff so no other same-origin bytes run as a script) and
 * inline scripts carrying the request's nonce (Next's bootstrap and streamed data, the watch page's early start).
 * No 'strict-dynamic': every script Reel loads is same-origin, and a page kept by the response cache is allowed by the
 * hashes of its inline scripts instead of a nonce (see `withScriptHashes`), which 'self' still covers the files of.
 *
 * Styles allow 'unsafe-inline' on purpose: React renders `style` attributes into the HTML (the player's aspect
 * ratio, progress bars), which no nonce can cover, and a page kept by the cache carries `<style>` elements (inlined
 * CSS) with the nonce of the render it came from. Scripts are what an injection would need, and those stay strict.
 */

/**
 * Where each kind of content may come from. Everything Reel serves itself is same-origin; media in a bucket or
 * behind a CDN add that one origin (`mediaOrigin`) to media-src, img-src and connect-src, and nowhere else.
 */
const SOURCES = {
  "default-src": ["'self'"],
  "style-src": ["'self'", "'unsafe-inline'"],
  // Posters and storyboards are same-origin; small icons may be data: URLs.
  "img-src": ["'self'", "data:"],
  // Media Source Extensions (hls.js, the early start) play from a blob: URL.
  "media-src": ["'self'", "blob:"],
  "font-src": ["'self'"],
  // API calls, tus uploads, media segments fetched by hls.js.
  "connect-src": ["'self'"],
  "worker-src": ["'self'"],
  "manifest-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
} as const;

export type DocumentPolicy = {
  /** The request's nonce (see `newNonce`): Next puts it on its scripts when it finds it in the request's CSP. */
  nonce: string;
  /** React's development tooling evaluates code: allowed only then. */
  dev: boolean;
  /**
   * Who may show the page in a frame: nobody by default. A page meant to be embedded (a player for other sites)
   * passes its own list, e.g. ["*"] or the allowed origins.
   */
  frameAncestors?: readonly string[];
  /** The origin browsers fetch media bytes from when they are not Reel's own (a bucket, a CDN: lib/storage/origin.ts). */
  mediaOrigin?: string | null;
};

const MEDIA_DIRECTIVES = new Set(["img-src", "media-src", "connect-src"]);

export const REFERRER_POLICY = "strict-origin-when-cross-origin";

/**
 * Browser features a Reel page may use: the player's fullscreen, picture-in-picture and autoplay, and the copy
 * buttons' clipboard; everything else is refused, for Reel and for anything framed in it.
 */
export const PERMISSIONS_POLICY = [
  "fullscreen=(self)",
  "picture-in-picture=(self)",
  "autoplay=(self)",
  "clipboard-write=(self)",
  ...[
    "accelerometer",
    "ambient-light-sensor",
    "bluetooth",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
  ].map((feature) => `${feature}=()`),
].join(", ");

/** A year; without includeSubDomains, as other hosts under the same domain may not be Reel's to decide for. */
export const HSTS = "max-age=31536000";

/** A fresh nonce for one response: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy({ nonce, dev, frameAncestors = ["'none'"], mediaOrigin }: DocumentPolicy): string {
  const directives: [string, readonly string[]][] = [
    ...Object.entries(SOURCES).map(([name, sources]): [string, readonly string[]] => [name, mediaOrigin && MEDIA_DIRECTIVES.has(name) ? [...sources, mediaOrigin] : sources]),
    ["script-src", ["'self'", `'nonce-${nonce}'`, ...(dev ? ["'unsafe-eval'"] : [])]],
    ["frame-ancestors", frameAncestors],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(" ")}`).join("; ");
}

/** Headers of an HTML document: its CSP, and the referrer and feature policies. */
export function documentHeaders(policy: DocumentPolicy): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(policy),
    "referrer-policy": REFERRER_POLICY,
    "permissions-policy": PERMISSIONS_POLICY,
  };
}

/** Headers of every response, whatever its type: no content sniffing, and HSTS once the request came over HTTPS. */
export function responseHeaders({ https }: { https: boolean }): Record<string, string> {
  return { "x-content-type-options": "nosniff", ...(https ? { "strict-transport-security": HSTS } : {}) };
}

/** The nonce of a policy's script-src (as Next reads it from the request to put on its scripts), if any. */
export function scriptNonce(policy: string | null | undefined): string | undefined {
  const scriptSrc = policy?.split(";").find((d) => d.trim().startsWith("script-src "));
  return scriptSrc && /'nonce-([A-Za-z0-9+/_-]+={0,2})'/.exec(scriptSrc)?.[1];
}

/**
 * The sha256 sources of every inline script in an HTML document, or null when the document cannot be hashed safely:
 * the browser hashes a script's text as its parser finds it, which a plain scan reproduces only while no script text
 * holds `<!--` (which can move where the element ends) or a carriage return (normalised by the parser). Scripts with
 * a `src` are left out: 'self' covers them.
 */
export function inlineScriptHashes(html: string): string[] | null {
  const hashes = new Set<string>();
  const script = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
  for (let m = script.exec(html); m; m = script.exec(html)) {
    const [, attributes, text] = m;
    if (/\ssrc\s*=/i.test(attributes)) continue;
    if (text.includes("<!--") || text.includes("\r")) return null;
    hashes.add(`'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`);
  }
  return [...hashes];
}

/**
 * A stored page's policy: the nonce of the render it came from is swapped for the hashes of its inline scripts, so
 * the page can be served again as it is. The old nonce stays in the HTML's attributes, where it allows nothing.
 */
export function withScriptHashes(policy: string, hashes: readonly string[]): string {
  return policy
    .split(";")
    .map((directive) => {
      const [name, ...sources] = directive.trim().split(/\s+/);
      if (name !== "script-src") return directive.trim();
      return [name, ...sources.filter((s) => !s.startsWith("'nonce-")), ...hashes].join(" ");
    })
    .join("; ");
}
