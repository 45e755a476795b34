import { randomBytes } from "node:crypto";
import { COMPRESS_MAX_BYTES, kindOf, type MediaKind } from "@/lib/storage/mime";

/**
 * The media decision (RFC 9110): request method + headers + file facts in, status + headers +
 * what to send out. Pure: no I/O, so the Node adapter, the web-standard route handler and the
 * nginx mode all answer the same way, and the rules are tested once.
 *
 * Choices where RFC 9110 leaves room (documented in README "Streaming"):
 * - Range is honoured for GET only (§14.2); HEAD answers as a full GET would, with Content-Length.
 * - A Range header that does not parse, or whose unit is not `bytes`, is ignored → 200 full.
 * - A zero-length file has no satisfiable byte range: Range is ignored → 200 with an empty body.
 * - Several satisfiable ranges → 206 multipart/byteranges, parts in request order, unsatisfiable
 *   ones dropped; if exactly one remains it is sent as a plain single-part 206.
 * - More than 16 ranges, or more than 2 ranges taking part in an overlap → 416 (§15.5.17 allows
 *   rejecting "an excessive number of small or overlapping ranges"); this bounds the bytes one
 *   request can make us send to about the file size.
 * - Preconditions in the order of §13.2.2: If-Match, If-Unmodified-Since (→ 412), If-None-Match
 *   (wins over If-Modified-Since), If-Modified-Since (→ 304), then If-Range (a mismatch → 200 full).
 *   A date counts only as an HTTP-date (§5.6.7): any other value of If-(Un)Modified-Since is
 *   ignored, and an If-Range that is neither our strong tag nor our date never matches.
 * - Compressible text (playlists, VTT, JSON) is compressed (br, else gzip) when Accept-Encoding
 *   allows and no Range is asked for; a Range request gets the identity bytes. Each encoding has
 *   its own strong ETag, and such files always carry `Vary: Accept-Encoding`.
 * - The ETag is nginx's `"<mtime seconds hex>-<size hex>"`, so validators stay the same when a
 *   deployment switches to REEL_ACCEL=nginx. Strong, because a published file is never rewritten
 *   in place.
 */

export const MAX_RANGES = 16;
export const MAX_OVERLAPPING = 2;

export type FileFacts = {
  size: number;
  mtimeMs: number;
  /** Path inside the video folder (`hls/v0/seg_00001.m4s`): gives the MIME type and cache policy. */
  path: string;
  /** For files that are not a video's media (the app's own static files): their type and cache policy. */
  kind?: MediaKind;
};

export type Encoding = "br" | "gzip";

export type Part = { start: number; end: number; head: string };

export type Body =
  | { kind: "empty" }
  /** Identity bytes `start..end`, both inclusive. */
  | { kind: "range"; start: number; end: number }
  /** The whole file, compressed; the adapter adds Content-Length once it has the encoded bytes. */
  | { kind: "encoded"; encoding: Encoding }
  | { kind: "multipart"; parts: Part[]; tail: string };

export type Decision = {
  status: number;
  headers: Record<string, string>;
  body: Body;
  /** HEAD: send the headers (with the Content-Length a GET would have), never the body. */
  head: boolean;
};

/** The request headers the decision reads; Node's `req.headers` fits as is (lowercase names). */
export type MediaRequestHeaders = {
  range?: string | null;
  "if-match"?: string | null;
  "if-none-match"?: string | null;
  "if-modified-since"?: string | null;
  "if-unmodified-since"?: string | null;
  "if-range"?: string | null;
  "accept-encoding"?: string | null;
};

/** Everything about a file that does not depend on the request, computed once per stat. */
export type FileMeta = {
  size: number;
  mtimeSec: number;
  etag: string;
  lastModified: string;
  type: string;
  compressible: boolean;
  /** Headers of the identity representation, shared by 200, 206 and 304. */
  headers: Readonly<Record<string, string>>;
  encodedHeaders: Readonly<Record<Encoding, Record<string, string>>> | null;
  /** Ready answers for the commonest requests: a plain GET and HEAD of the whole file. */
  fullGet: Decision;
  fullHead: Decision;
};

const BOUNDARY = `reel-${randomBytes(12).toString("hex")}`;
const EMPTY: Body = { kind: "empty" };

export function describeFile(facts: FileFacts): FileMeta {
  const kind = facts.kind ?? kindOf(facts.path);
  const mtimeSec = Math.floor(facts.mtimeMs / 1000);
  const etag = `"${mtimeSec.toString(16)}-${facts.size.toString(16)}"`;
  const lastModified = new Date(mtimeSec * 1000).toUTCString();
  const compressible = kind.compressible && facts.size > 0 && facts.size <= COMPRESS_MAX_BYTES;
  const headers: Record<string, string> = {
    "content-type": kind.type,
    "cache-control": kind.cacheControl,
    etag,
    "last-modified": lastModified,
    "accept-ranges": "bytes",
    "x-content-type-options": "nosniff",
  };
  if (kind.compressible) headers.vary = "accept-encoding";
  const encodedHeaders = compressible
    ? {
        br: { ...headers, etag: `${etag.slice(0, -1)}-br"`, "content-encoding": "br" },
        gzip: { ...headers, etag: `${etag.slice(0, -1)}-gzip"`, "content-encoding": "gzip" },
      }
    : null;
  const fullHeaders = { ...headers, "content-length": String(facts.size) };
  const fullBody: Body = facts.size === 0 ? EMPTY : { kind: "range", start: 0, end: facts.size - 1 };
  return {
    size: facts.size,
    mtimeSec,
    etag,
    lastModified,
    type: kind.type,
    compressible,
    headers,
    encodedHeaders,
    fullGet: { status: 200, headers: fullHeaders, body: fullBody, head: false },
    fullHead: { status: 200, headers: fullHeaders, body: fullBody, head: true },
  };
}

export function decide(method: string, req: MediaRequestHeaders, meta: FileMeta): Decision {
  const head = method === "HEAD";
  if (!head && method !== "GET") {
    return { status: 405, headers: { allow: "GET, HEAD", "content-length": "0" }, body: EMPTY, head };
  }
  // Range applies to GET only; a compressed answer is never a partial one.
  const range = head ? null : req.range || null;
  const encoding = meta.encodedHeaders && !range ? negotiate(req["accept-encoding"]) : null;
  const headers = encoding ? meta.encodedHeaders![encoding] : meta.headers;
  const etag = headers.etag;

  if (req["if-match"]) {
    if (!listMatches(req["if-match"], etag, false)) return failed(headers, head);
  } else if (req["if-unmodified-since"]) {
    const since = httpDateSeconds(req["if-unmodified-since"]);
    if (since !== null && meta.mtimeSec > since) return failed(headers, head);
  }
  if (req["if-none-match"]) {
    if (listMatches(req["if-none-match"], etag, true)) return notModified(headers, head);
  } else if (req["if-modified-since"]) {
    const since = req["if-modified-since"] === meta.lastModified ? meta.mtimeSec : httpDateSeconds(req["if-modified-since"]);
    if (since !== null && meta.mtimeSec <= since) return notModified(headers, head);
  }

  if (encoding) {
    return { status: 200, headers: { ...headers }, body: { kind: "encoded", encoding }, head };
  }
  if (range && meta.size > 0 && (!req["if-range"] || ifRangeMatches(req["if-range"], meta))) {
    const ranges = parseRange(range, meta.size);
    if (ranges === "unsatisfiable") {
      return {
        status: 416,
        headers: { ...headers, "content-range": `bytes */${meta.size}`, "content-length": "0" },
        body: EMPTY,
        head,
      };
    }
    if (ranges !== "ignore") return partial(ranges, meta, headers, head);
  }
  return head ? meta.fullHead : meta.fullGet;
}

function partial(ranges: number[], meta: FileMeta, headers: Readonly<Record<string, string>>, head: boolean): Decision {
  if (ranges.length === 2) {
    const start = ranges[0];
    const end = ranges[1];
    return {
      status: 206,
      headers: {
        ...headers,
        "content-range": `bytes ${start}-${end}/${meta.size}`,
        "content-length": String(end - start + 1),
      },
      body: { kind: "range", start, end },
      head,
    };
  }
  const parts: Part[] = [];
  // In BigInt: the parts may add up past 2^53 (two large overlapping ranges of a huge file), where
  // a Number sum would round and announce the wrong length.
  let length = 0n;
  for (let i = 0; i < ranges.length; i += 2) {
    const start = ranges[i];
    const end = ranges[i + 1];
    const partHead = `\r\n--${BOUNDARY}\r\ncontent-type: ${meta.type}\r\ncontent-range: bytes ${start}-${end}/${meta.size}\r\n\r\n`;
    parts.push({ start, end, head: partHead });
    length += BigInt(partHead.length) + BigInt(end - start + 1);
  }
  const tail = `\r\n--${BOUNDARY}--\r\n`;
  length += BigInt(tail.length);
  return {
    status: 206,
    headers: {
      ...headers,
      "content-type": `multipart/byteranges; boundary=${BOUNDARY}`,
      "content-length": String(length),
    },
    body: { kind: "multipart", parts, tail },
    head,
  };
}

function notModified(headers: Readonly<Record<string, string>>, head: boolean): Decision {
  // §15.4.5: the validators and caching headers a 200 would carry, no content headers.
  const out: Record<string, string> = {
    etag: headers.etag,
    "last-modified": headers["last-modified"],
    "cache-control": headers["cache-control"],
  };
  if (headers.vary) out.vary = headers.vary;
  return { status: 304, headers: out, body: EMPTY, head };
}

function failed(headers: Readonly<Record<string, string>>, head: boolean): Decision {
  return { status: 412, headers: { etag: headers.etag, "content-length": "0" }, body: EMPTY, head };
}

const SIMPLE_RANGE = /^bytes=(\d{1,15})-(\d{0,15})$/;
const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * Parses a Range header against a representation of `size` (> 0) bytes. Returns the satisfiable
 * ranges as flat inclusive [start, end, start, end...] pairs in request order, "ignore" (not a
 * byte range we honour: serve the whole file) or "unsatisfiable" (→ 416).
 */
export function parseRange(header: string, size: number): number[] | "ignore" | "unsatisfiable" {
  // The commonest form by far (players, seeks): one bounded or open-ended range.
  const simple = SIMPLE_RANGE.exec(header);
  if (simple) {
    const start = Number(simple[1]);
    const end = simple[2] === "" ? Infinity : Number(simple[2]);
    if (end < start) return "ignore";
    if (start >= size) return "unsatisfiable";
    return [start, Math.min(end, size - 1)];
  }

  const eq = header.indexOf("=");
  if (eq <= 0 || header.slice(0, eq).toLowerCase() !== "bytes") return "ignore";
  const specs = header
    .slice(eq + 1)
    .split(",")
    .map(trimOws)
    .filter(Boolean);
  if (specs.length === 0) return "ignore";

  const wanted: Array<[number, number] | null> = [];
  for (const spec of specs) {
    const int = INT_RANGE.exec(spec);
    if (int) {
      // Compared as digit strings: past 2^53, Number() rounds and two different positions can look equal.
      if (int[2] !== "" && digitsLess(int[2], int[1])) return "ignore";
      // Rounding is monotonic and size < 2^53, so the comparisons with size stay exact.
      const start = Number(int[1]);
      const end = int[2] === "" ? Infinity : Number(int[2]);
      wanted.push(start < size ? [start, Math.min(end, size - 1)] : null);
      continue;
    }
    const suffix = SUFFIX_RANGE.exec(spec);
    if (!suffix) return "ignore";
    const length = Number(suffix[1]);
    wanted.push(length > 0 ? [Math.max(0, size - length), size - 1] : null);
  }
  if (wanted.length > MAX_RANGES) return "unsatisfiable";
  const satisfiable = wanted.filter((r): r is [number, number] => r !== null);
  if (satisfiable.length === 0) return "unsatisfiable";
  if (overlapping(satisfiable) > MAX_OVERLAPPING) return "unsatisfiable";
  return satisfiable.flat();
}

/** Whether the decimal `a` is less than the decimal `b`, at any length. */
function digitsLess(a: string, b: string): boolean {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");
  return x.length !== y.length ? x.length < y.length : x < y;
}

/** OWS (RFC 9110 §5.6.3) is spaces and tabs only; String.trim() would also eat other Unicode spaces. */
function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, "");
}

/** How many ranges share at least one byte with another range. */
function overlapping(ranges: Array<[number, number]>): number {
  if (ranges.length < 2) return 0;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const involved = new Set<number>();
  let reach = sorted[0][1];
  let reachIndex = 0;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][0] <= reach) {
      involved.add(reachIndex);
      involved.add(i);
    }
    if (sorted[i][1] > reach) {
      reach = sorted[i][1];
      reachIndex = i;
    }
  }
  return involved.size;
}

function ifRangeMatches(value: string, meta: FileMeta): boolean {
  const v = trimOws(value);
  // §13.1.5: an entity tag is compared strongly (a weak tag never matches); a date must equal
  // Last-Modified exactly.
  if (v.startsWith('"') || v.startsWith("W/")) return v === meta.etag;
  return httpDateSeconds(v) === meta.mtimeSec;
}

/** One member of `#entity-tag` (§8.8.3), with its list separator; empty members are allowed. */
const LIST_TAG = /[ \t,]*(?:(W\/)?("[\x21\x23-\x7e\x80-\xff]*")[ \t]*(?:,|$)|$)/y;

/**
 * If-Match (strong comparison) and If-None-Match (weak): "*" or a list of entity tags. A list that
 * does not parse matches nothing: a quoted tag is compared whole, never found inside other text.
 */
function listMatches(list: string, etag: string, weak: boolean): boolean {
  if (trimOws(list) === "*") return true;
  let found = false;
  LIST_TAG.lastIndex = 0;
  while (LIST_TAG.lastIndex < list.length) {
    const m = LIST_TAG.exec(list);
    if (!m) return false;
    if (m[2] === etag && (weak || !m[1])) found = true;
  }
  return found;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d\\d):(\\d\\d):(\\d\\d)";
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d\\d) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d\\d)-${MONTH}-(\\d\\d) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * An HTTP-date (§5.6.7: IMF-fixdate, or the obsolete rfc850 and asctime forms a recipient must
 * accept) in Unix seconds; null for anything else, which the caller then ignores as §13.1.3 and
 * §13.1.4 require. Date.parse is not used: it reads "0" or "2024" as dates.
 */
function httpDateSeconds(value: string): number | null {
  let day: string, month: string, year: number, time: string[];
  let m: RegExpExecArray | null;
  if ((m = IMF_FIXDATE.exec(value))) {
    [day, month, year, time] = [m[1], m[2], Number(m[3]), m.slice(4)];
  } else if ((m = ASCTIME_DATE.exec(value))) {
    [day, month, year, time] = [m[2], m[1], Number(m[6]), m.slice(3, 6)];
  } else if ((m = RFC850_DATE.exec(value))) {
    // A two-digit year more than 50 years ahead is the latest past year with those digits.
    const now = new Date().getUTCFullYear();
    year = now - (now % 100) + Number(m[3]);
    if (year > now + 50) year -= 100;
    [day, month, time] = [m[1], m[2], m.slice(4)];
  } else {
    return null;
  }
  const [d, mon, h, min, s] = [Number(day), MONTHS.indexOf(month), Number(time[0]), Number(time[1]), Number(time[2])];
  const date = new Date(0);
  date.setUTCFullYear(year, mon, d); // not Date.UTC, which reads years 0-99 as 1900-1999
  date.setUTCHours(h, min, s);
  // Out-of-range fields (30 Feb, 24:00:00) roll over instead of failing: refuse them.
  const exact = date.getUTCDate() === d && date.getUTCMonth() === mon && date.getUTCHours() === h && date.getUTCMinutes() === min && date.getUTCSeconds() === s;
  return exact ? date.getTime() / 1000 : null;
}

const negotiated = new Map<string, Encoding | null>();

/** br over gzip at equal preference; `*` covers codings not listed; q=0 refuses. */
export function negotiate(acceptEncoding: string | null | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const known = negotiated.get(acceptEncoding);
  if (known !== undefined) return known;
  let br = -1;
  let gzip = -1;
  let star = -1;
  for (const item of acceptEncoding.split(",")) {
    const [name, ...params] = item.split(";");
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]) || 0;
    }
    const coding = name.trim().toLowerCase();
    if (coding === "br") br = q;
    else if (coding === "gzip" || coding === "x-gzip") gzip = q;
    else if (coding === "*") star = q;
  }
  if (br < 0) br = star;
  if (gzip < 0) gzip = star;
  const choice: Encoding | null = br > 0 && br >= gzip ? "br" : gzip > 0 ? "gzip" : null;
  // Browsers send a handful of distinct values; the bound keeps odd clients from growing it.
  if (negotiated.size < 256) negotiated.set(acceptEncoding, choice);
  return choice;
}
