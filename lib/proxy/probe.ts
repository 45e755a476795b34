import "server-only";
import type { IncomingMessage } from "node:http";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { safeFetch, type SafeFetchOptions, type SafeResponse } from "@/lib/net/safe-fetch";
import { rewritePlaylist } from "./hls";
import { baseType, mp4Info, sniff } from "./sniff";
import { MAX_PLAYLIST_BYTES } from "./stream";

/**
 * What a pasted URL is, from one request for its first 64 KiB (plus the first variant of an HLS master playlist):
 * kind, type, size, whether seeking will work, and duration and picture size when the header tells them.
 * Refusals carry a `reason` and the status the API answers: 400 the URL itself, 403 not allowed (fetch policy),
 * 422 not video, 502 the server answered badly, 504 it did not answer in time.
 */

export type LinkFacts = {
  kind: "progressive" | "hls";
  contentType: string;
  size: number | null;
  acceptRanges: boolean;
  seekable: boolean;
  duration: number | null;
  width: number | null;
  height: number | null;
  title: string | null;
};

const HEAD_BYTES = 64 * 1024;

export type ProbeOptions = Pick<SafeFetchOptions, "resolve" | "allowLoopback" | "policy" | "connectTimeoutMs" | "idleTimeoutMs">;

function notVideo(reason: string): AppError {
  return new AppError("unprocessable", reason, { reason: "not_video" });
}

async function fetchFrom(url: string, options: ProbeOptions, range: boolean): Promise<SafeResponse> {
  return safeFetch(url, {
    ...options,
    headers: { accept: "*/*", "accept-encoding": "identity", ...(range ? { range: `bytes=0-${HEAD_BYTES - 1}` } : {}) },
    connectTimeoutMs: options.connectTimeoutMs ?? env.REEL_PROXY_CONNECT_TIMEOUT_SECONDS * 1000,
    idleTimeoutMs: options.idleTimeoutMs ?? env.REEL_PROXY_IDLE_TIMEOUT_SECONDS * 1000,
  });
}

function answeredBadly(res: SafeResponse): AppError {
  res.body.resume();
  return new AppError("bad_gateway", `The server answered ${res.status}${res.body.statusMessage ? ` ${res.body.statusMessage}` : ""}`, { reason: "upstream" });
}

/** Reads up to `limit` bytes, then stops the download. `whole`: more than `limit` is an error (a playlist). */
async function readUpTo(body: IncomingMessage, limit: number, whole: boolean): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit || (!whole && size >= limit)) break;
  }
  body.destroy();
  if (whole && size > limit) throw new AppError("unprocessable", `The playlist is larger than ${Math.round(limit / 1024 / 1024)} MiB: not a playlist Reel plays`, { reason: "too_large" });
  return Buffer.concat(chunks).subarray(0, limit);
}

export async function probeLink(url: URL, options: ProbeOptions): Promise<LinkFacts> {
  const res = await fetchFrom(url.href, options, true);
  if (res.status !== 200 && res.status !== 206) throw answeredBadly(res);
  const head = await readUpTo(res.body, HEAD_BYTES, false);
  const sniffed = sniff(head, res.headers.get("content-type"));
  if (!sniffed.ok) throw notVideo(sniffed.reason);
  const title = titleOf(res);
  if (sniffed.kind === "hls") return { ...(await probePlaylist(res, head, options)), title };

  const total = res.status === 206 ? /\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1] : res.headers.get("content-length");
  const size = total && /^\d+$/.test(total) ? Number(total) : null;
  const acceptRanges = res.status === 206;
  const info = sniffed.container === "mp4" ? mp4Info(head) : { duration: null, width: null, height: null };
  return { kind: "progressive", contentType: sniffed.contentType, size, acceptRanges, seekable: acceptRanges && size !== null, ...info, title };
}

async function probePlaylist(res: SafeResponse, head: Buffer, options: ProbeOptions): Promise<Omit<LinkFacts, "title">> {
  // A server that honoured our Range may have cut the playlist short: ask again for all of it.
  const complete = res.status === 200 && head.length < HEAD_BYTES ? head : await wholePlaylist(res.url, options);
  const playlist = rewritePlaylist(complete.toString("utf8"), res.url, () => "");
  let media = playlist;
  if (playlist.master) {
    if (playlist.variants.length === 0) throw notVideo("The playlist lists no streams");
    media = rewritePlaylist((await wholePlaylist(playlist.variants[0], options)).toString("utf8"), playlist.variants[0], () => "");
  }
  return {
    kind: "hls",
    contentType: "application/vnd.apple.mpegurl",
    size: null,
    acceptRanges: false,
    seekable: !media.live,
    duration: media.live ? null : Math.round(media.duration * 1000) / 1000,
    width: playlist.width,
    height: playlist.height,
  };
}

async function wholePlaylist(url: string, options: ProbeOptions): Promise<Buffer> {
  const res = await fetchFrom(url, options, false);
  if (res.status !== 200) throw answeredBadly(res);
  const type = baseType(res.headers.get("content-type"));
  if (type === "text/html") throw notVideo("A stream of this playlist is a web page");
  return readUpTo(res.body, MAX_PLAYLIST_BYTES, true);
}

/** The server's file name, else the last segment of the path; null when neither says anything. */
function titleOf(res: SafeResponse): string | null {
  const disposition = res.headers.get("content-disposition") ?? "";
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  let name = star ? safeDecode(star[1]) : plain?.[1];
  if (!name) {
    const last = new URL(res.url).pathname.split("/").filter(Boolean).pop();
    name = last ? safeDecode(last) : undefined;
  }
  const cleaned = name?.replace(/[\u0000-\u001f]/g, "").trim().slice(0, 200);
  return cleaned || null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
